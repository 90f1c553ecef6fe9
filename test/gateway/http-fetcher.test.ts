/** The gateway's subgraph fetcher (gateway/subgraph-transport/http-fetcher.ts) against a real HTTP server. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveFetcher } from '../../gateway/subgraph-transport/http-fetcher.ts';

let server: Server;
let base: string;
let connections = 0;
const bodies: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      bodies.push(body);
      if (req.url === '/slow') return void setTimeout(() => res.end('{}'), 2_000);
      if (req.url === '/refused') return void res.writeHead(400, { 'Content-Type': 'application/graphql-response+json' }).end('{"errors":[{"message":"no"}]}');
      res.writeHead(200, { 'Content-Type': 'application/json', 'X-Seen': req.headers['x-seen'] ?? '' }).end(JSON.stringify({ data: { echo: body } }));
    });
  });
  server.on('connection', () => (connections += 1));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('the subgraph fetcher', () => {
  it('posts the body and headers and reads the answer; calls in a row share one kept-alive connection', async () => {
    const fetcher = keepAliveFetcher(5_000);
    const before = connections;
    for (const n of [1, 2, 3]) {
      const res = await fetcher(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-seen': `call ${n}` }, body: `{"n":${n}}` });
      expect(res.ok).toBe(true);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(res.headers.get('x-seen')).toBe(`call ${n}`);
      expect(await res.json()).toEqual({ data: { echo: `{"n":${n}}` } });
    }
    expect(connections - before).toBe(1);
  });

  it('hands a non-2xx answer over with its status and body', async () => {
    const res = await keepAliveFetcher(5_000)(`${base}/refused`, { method: 'POST', body: '{}' });
    expect(res.ok).toBe(false);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/graphql-response+json');
    expect(await res.json()).toEqual({ errors: [{ message: 'no' }] });
  });

  it('gives up after its timeout', async () => {
    const started = Date.now();
    await expect(keepAliveFetcher(300)(`${base}/slow`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('fails when nothing listens', async () => {
    await expect(keepAliveFetcher(1_000)('http://127.0.0.1:1/graphql', { method: 'POST', body: '{}' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
