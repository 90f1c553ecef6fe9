/**
 * Sharing identical subgraph reads in flight (gateway/subgraph-transport/in-flight-reads.ts) against a
 * real HTTP server that answers slowly enough for calls to overlap and counts what it receives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveFetcher } from '../../gateway/subgraph-transport/http-fetcher.ts';
import { InFlightReads, SHARE_SCOPES_HEADER, shareScopesValue } from '../../gateway/subgraph-transport/in-flight-reads.ts';

let server: Server;
let base: string;
const received: { body: string; marker: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ body, marker: req.headers[SHARE_SCOPES_HEADER] as string | undefined });
      if (req.url === '/hang') return; // never answers: the caller's timeout ends it
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ data: { echo: body, n: received.length } })), 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function sharing(timeoutMs = 5_000) {
  const lookups: boolean[] = [];
  const reads = new InFlightReads((joined) => lookups.push(joined));
  const fetcher = reads.sharing(keepAliveFetcher(timeoutMs));
  const call = (body: string, scopes: string[] | null, path = '/graphql') => fetcher(`${base}${path}`, {
    method: 'POST', body,
    headers: { 'content-type': 'application/json', ...(scopes ? { [SHARE_SCOPES_HEADER]: shareScopesValue(new Set(scopes)) } : {}) },
  });
  return { call, lookups, reads };
}

describe('sharing identical subgraph reads in flight', () => {
  it('sends concurrent calls with the same body and scope set once; each caller parses its own copy; the marker never leaves', async () => {
    const { call, lookups } = sharing();
    const before = received.length;
    const answers = await Promise.all([1, 2, 3, 4].map(() => call('{"query":"{ a }"}', ['b:read', 'a:read'])));
    // The same scope set in another order is the same key.
    expect(received.length - before).toBe(1);
    expect(received.at(-1)!.marker).toBeUndefined();
    expect(lookups).toEqual([false, true, true, true]);
    const bodies = await Promise.all(answers.map((a) => a.json()));
    for (const body of bodies) expect(body).toEqual({ data: { echo: '{"query":"{ a }"}', n: expect.any(Number) } });
    // No caller holds another's objects: changing one answer changes no other.
    bodies[0].data.echo = 'changed';
    expect(bodies[1].data.echo).toBe('{"query":"{ a }"}');
  });

  it('never shares across scope sets, bodies or unmarked calls, and forgets a call once it settled', async () => {
    const { call, lookups } = sharing();
    const before = received.length;
    await Promise.all([
      call('{"query":"{ a }"}', ['a:read']), call('{"query":"{ a }"}', ['a:read', 'pii:read']),
      call('{"query":"{ b }"}', ['a:read']), call('{"query":"{ a }"}', null), call('{"query":"{ a }"}', null),
    ]);
    expect(received.length - before).toBe(5);
    // Settled calls are not cached: the same call again is sent again.
    await call('{"query":"{ a }"}', ['a:read']);
    expect(received.length - before).toBe(6);
    expect(lookups).toEqual([false, false, false, false]);
  });

  it('does not join a call sent before a write settled: a read after a write sees it', async () => {
    const { call, lookups, reads } = sharing();
    const before = received.length;
    const first = call('{"query":"{ w }"}', ['a:read']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    reads.writeSettled();
    const [, second, third] = await Promise.all([first, call('{"query":"{ w }"}', ['a:read']), call('{"query":"{ w }"}', ['a:read'])]);
    expect(received.length - before).toBe(2);
    // The third joined the second (sent after the write), not the first.
    expect(lookups).toEqual([false, false, true]);
    expect(await second.json()).toEqual(await third.json());
  });

  it('gives every joined caller the failure of the call it joined (here the timeout, counted from the first call)', async () => {
    const { call } = sharing(200);
    const before = received.length;
    const started = Date.now();
    const results = await Promise.allSettled([call('{}', ['a:read'], '/hang'), call('{}', ['a:read'], '/hang')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(received.length - before).toBe(1);
  });
});
