/** A subgraph's extra routes (webhook receivers) read bodies that senders may abort or cut short. */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { TEST_LISTEN } from '../support/internal-token.ts';

let server: RunningSubgraph;
const received: string[] = [];
beforeAll(async () => {
  server = await startSubgraph({
    name: 'example',
    sdl: 'type Query { ok: Boolean }',
    context: () => ({}),
    resolvers: { Query: { ok: () => true } },
    routes: {
      '/webhooks/example': async (_req, res, rawBody) => {
        received.push(rawBody);
        res.writeHead(200).end();
      },
    },
  }, TEST_LISTEN);
});
afterAll(() => server?.close());

/** Sends a request head promising `promised` body bytes, then only `sent` of them. */
function sendCutShort(port: number, promised: number, sent: string, thenDestroy: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`POST /webhooks/example HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${promised}\r\n\r\n${sent}`);
      if (thenDestroy) setTimeout(() => { socket.destroy(); resolve(''); }, 50);
      else socket.end();
    });
    let answer = '';
    socket.on('data', (chunk) => { answer += chunk.toString(); });
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
  });
}

describe('a route whose body never arrives in full', () => {
  it('survives a sender that aborts mid-body, and keeps serving', async () => {
    await sendCutShort(server.port, 1000, '{"half":', true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(health.status).toBe(200);
    const whole = await fetch(`http://127.0.0.1:${server.port}/webhooks/example`, { method: 'POST', body: '{"whole":true}' });
    expect(whole.status).toBe(200);
    expect(received).toEqual(['{"whole":true}']);
  });

  it('answers 400 to a body shorter than its Content-Length when the sender stops writing', async () => {
    const answer = await sendCutShort(server.port, 1000, '{"half":', false);
    expect(answer === '' || answer.startsWith('HTTP/1.1 400')).toBe(true);
    expect(received).toEqual(['{"whole":true}']);
  });
});
