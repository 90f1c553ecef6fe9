import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upstreamRequest } from '../../subgraphs/shared/upstream-http.ts';

/** A real HTTP server that answers every request 50 ms late with a fresh JSON body and counts what it received. */
let server: Server;
let base: string;
let received: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      received.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''} ${body}`);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: received.length, items: [1, 2] })), 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = (path: string, token = 'a', shareInFlight = true) =>
  upstreamRequest('Test', `${base}${path}`, { method: 'GET', headers: { authorization: `Bearer ${token}` } }, 2000, { shareInFlight });
const post = (body: string, shareInFlight: boolean) =>
  upstreamRequest('Test', `${base}/search`, { method: 'POST', headers: { authorization: 'Bearer a' }, body }, 2000, { shareInFlight });

describe('identical reads in flight', () => {
  it('sends a shareable read once while it is in flight, each caller getting its own copy of the answer', async () => {
    received = [];
    const [a, b, c] = await Promise.all([get('/statuses?limit=5'), get('/statuses?limit=5'), get('/statuses?limit=5')]);
    expect(received).toHaveLength(1);
    expect(a.body).toEqual({ n: 1, items: [1, 2] });
    (a.body as { items: number[] }).items.push(3);
    expect(b.body).toEqual({ n: 1, items: [1, 2] });
    expect(c.body).toEqual(b.body);
    // Once answered, the next read is sent again.
    expect((await get('/statuses?limit=5')).body).toEqual({ n: 2, items: [1, 2] });
  });

  it('never shares across credentials, URLs or bodies', async () => {
    received = [];
    await Promise.all([get('/x', 'a'), get('/x', 'b'), get('/y', 'a'), post('{"q":1}', true), post('{"q":2}', true), post('{"q":1}', true)]);
    expect(received.sort()).toEqual(['GET /x Bearer a ', 'GET /x Bearer b ', 'GET /y Bearer a ', 'POST /search Bearer a {"q":1}', 'POST /search Bearer a {"q":2}']);
  });

  it('sends every request the client does not mark as shareable (writes, reads of written data)', async () => {
    received = [];
    await Promise.all([post('{"write":1}', false), post('{"write":1}', false), get('/z', 'a', false), get('/z', 'a', false)]);
    expect(received).toHaveLength(4);
  });
});
