/**
 * The gateway's answer cache (gateway/answer-cache/answer-cache.ts) in front of a real HTTP server that
 * answers like a subgraph (with or without the headers saying what the answer depends on), counts the
 * calls it gets and can hold an answer back until told, so that a drop can land while a call is in flight.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepAliveFetcher } from '../../gateway/subgraph-transport/http-fetcher.ts';
import { SHARE_SCOPES_HEADER } from '../../gateway/subgraph-transport/in-flight-reads.ts';
import { AnswerCache } from '../../gateway/answer-cache/answer-cache.ts';
import { ANSWER_KEYS_HEADER, ANSWER_TTL_HEADER, CHANGED_KEYS_HEADER } from '../../subgraphs/shared/record-cache/answer-dependencies.ts';
import { commerceCustomerEmailKey, keyText } from '../../subgraphs/shared/record-cache/record-keys.ts';

let server: Server;
let base: string;
let calls = 0;
/** Answers held back by the test (for /held), released in order. */
const held: (() => void)[] = [];

/** Paths: /keep/<keys> answers keepable with those keys; /errors keepable but with errors; /plain unkeepable; /ttl0; /changed names a changed key. */
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      calls += 1;
      const url = new URL(req.url!, 'http://x');
      const [, kind, keys = ''] = url.pathname.split('/');
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (kind === 'keep' || kind === 'held' || kind === 'errors') headers[ANSWER_KEYS_HEADER] = decodeURIComponent(keys);
      if (kind === 'ttl0') Object.assign(headers, { [ANSWER_KEYS_HEADER]: '', [ANSWER_TTL_HEADER]: '0' });
      if (kind === 'changed') headers[CHANGED_KEYS_HEADER] = 'CRM:contact:7';
      const body = JSON.stringify(kind === 'errors' ? { data: null, errors: [{ message: 'no' }] } : { data: { n: calls } });
      const send = () => res.writeHead(200, headers).end(body);
      if (kind === 'held') held.push(send);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const setUp = () => {
  const lookups: boolean[] = [];
  const cache = new AnswerCache({ ttlMs: 30_000, maxBytes: 1_000_000 }, (hit) => lookups.push(hit));
  const fetch = cache.keeping(keepAliveFetcher(5000)) as unknown as (url: string, init: object) => Promise<{ json(): Promise<any> }>;
  const read = async (path: string, scopes = '["customers:read"]', body = '{"query":"{ a }"}') =>
    (await fetch(`${base}${path}`, { method: 'POST', headers: { [SHARE_SCOPES_HEADER]: scopes }, body })).json();
  return { cache, lookups, read, fetch };
};

describe('AnswerCache', () => {
  it('serves a keepable answer again without a call, each caller its own objects', async () => {
    const { read, lookups } = setUp();
    const first = await read('/keep/CRM:contact:1');
    const before = calls;
    const again = await read('/keep/CRM:contact:1');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
    expect(calls).toBe(before);
    expect(lookups).toEqual([false, true]);
  });

  it('keeps nothing without the header, with errors, with a TTL of 0, for other scopes or without the scope marker', async () => {
    const { read, fetch } = setUp();
    for (const path of ['/plain', '/errors/CRM:contact:1', '/ttl0']) {
      await read(path);
      const before = calls;
      await read(path);
      expect(calls, path).toBe(before + 1);
    }
    await read('/keep/CRM:contact:2', '["customers:read","pii:read"]');
    let before = calls;
    await read('/keep/CRM:contact:2', '["customers:read"]');
    expect(calls).toBe(before + 1);
    before = calls;
    await fetch(`${base}/keep/CRM:contact:2`, { method: 'POST', headers: {}, body: '{"query":"{ a }"}' });
    expect(calls).toBe(before + 1);
  });

  it('drops by exact key, by kind and by system, and leaves the rest', async () => {
    const { read, cache } = setUp();
    await read('/keep/CRM:contact:1%20ERP:partner:5');
    await read('/keep/CRM:contact:2');
    await read('/keep/COMMERCE:order:*');
    cache.drop([{ system: 'ERP', kind: 'partner', id: '5' }], { ownersDropped: false });
    let before = calls;
    await read('/keep/CRM:contact:1%20ERP:partner:5');
    await read('/keep/CRM:contact:2');
    expect(calls).toBe(before + 1);
    // One order changed: every answer holding "every shop order" goes.
    cache.drop([{ system: 'COMMERCE', kind: 'order', id: '17' }], { ownersDropped: false });
    cache.drop([{ system: 'CRM', kind: '*', id: '*' }], { ownersDropped: false });
    before = calls;
    await read('/keep/COMMERCE:order:*');
    await read('/keep/CRM:contact:2');
    expect(calls).toBe(before + 2);
  });

  it('does not keep an answer fetched before a drop of one of its keys', async () => {
    const { read, cache } = setUp();
    const pending = read('/held/CRM:contact:9');
    await expect.poll(() => held.length).toBe(1);
    cache.drop([{ system: 'CRM', kind: 'contact', id: '9' }], { ownersDropped: false });
    held.shift()!();
    await pending;
    const before = calls;
    const next = read('/held/CRM:contact:9');
    await expect.poll(() => held.length).toBe(1);
    held.shift()!();
    await next;
    expect(calls).toBe(before + 1);
  });

  it('drops once more a second later, unless the subgraphs owning the records dropped them first (an email\'s key always)', async () => {
    const { read, cache } = setUp();
    const email = commerceCustomerEmailKey('ada@example.com')!;
    const paths = ['/keep/CRM:contact:11', '/keep/CRM:contact:12', `/keep/${encodeURIComponent(keyText(email))}`];
    for (const path of paths) await read(path);
    cache.drop([{ system: 'CRM', kind: 'contact', id: '11' }], { ownersDropped: false });
    cache.drop([{ system: 'CRM', kind: 'contact', id: '12' }, email], { ownersDropped: true });
    let before = calls;
    for (const path of paths) await read(path);
    expect(calls).toBe(before + 3);
    // Kept again at once; a second on, the answers whose owner had not confirmed, or found by email, are dropped again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    before = calls;
    await read(paths[0]);
    expect(calls).toBe(before + 1);
    await read(paths[1]);
    expect(calls).toBe(before + 1);
    await read(paths[2]);
    expect(calls).toBe(before + 2);
  });

  it('drops what a mutation\'s answer says it changed', async () => {
    const { read, fetch } = setUp();
    await read('/keep/CRM:contact:7');
    await fetch(`${base}/changed`, { method: 'POST', headers: {}, body: '{}' });
    const before = calls;
    await read('/keep/CRM:contact:7');
    expect(calls).toBe(before + 1);
  });
});
