import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT, startMastodonStandIn } from '../../upstreams/mastodon/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import type { Dataset, MastodonAccount } from '../../upstreams/dataset/types.ts';
import { TOKEN, mastodonGet, smallDataset } from './harness.ts';
import { createMastodonClient } from '../../subgraphs/social/client.ts';

let dataset: Dataset;
let mastodon: StandIn;
let poster: MastodonAccount;
const get = (path: string, headers?: Record<string, string>) => mastodonGet({ mastodon }, path, headers);

beforeAll(async () => {
  dataset = smallDataset();
  mastodon = await startMastodonStandIn({ dataset, credential: TOKEN });
  poster = dataset.mastodon.accounts.find((a) => a.statuses_count >= 5)!;
});
afterAll(() => mastodon.close());
beforeEach(() => {
  mastodon.resetCounters();
  mastodon.setFaults({});
});

describe('Mastodon stand-in: credentials', () => {
  it('refuses a request without a token the way an instance closed to anonymous API access does', async () => {
    const res = await get(`/api/v1/accounts/${poster.id}`, {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'This API requires an authenticated user' });
    expect(res.headers.get('x-ratelimit-limit')).toBe(String(DEFAULT_RATE_LIMIT.limit));
  });

  it('refuses a wrong token with Doorkeeper\'s invalid_token answer', async () => {
    const res = await get(`/api/v1/accounts/${poster.id}`, { authorization: 'Bearer not-the-token' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'The access token is invalid' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"');
    expect(mastodon.counters()).toEqual({ unauthenticated: 1 });
  });

  it('accepts the bearer scheme in any letter case', async () => {
    expect((await get(`/api/v1/accounts/${poster.id}`, { authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe('Mastodon stand-in: accounts', () => {
  it('looks an account up by bare username or by user@its own domain, case-insensitively', async () => {
    for (const acct of [poster.username, `${poster.username}@social.example`, `@${poster.username.toUpperCase()}@Social.Example`]) {
      const res = await get(`/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: poster.id, username: poster.username, acct: poster.username });
    }
    expect(mastodon.counters()).toEqual({ 'GET /api/v1/accounts/lookup': 3 });
  });

  it('answers 404 Record not found for an unknown user or a domain it has never seen', async () => {
    for (const acct of ['nobody', `${poster.username}@elsewhere.example`, '']) {
      const res = await get(`/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'Record not found' });
    }
  });

  it('serves the account exactly as the dataset holds it, with HTML note, string id and date-only last_status_at', async () => {
    const body = await (await get(`/api/v1/accounts/${poster.id}`)).json();
    expect(body).toMatchObject({
      id: poster.id,
      display_name: poster.display_name,
      note: poster.note,
      created_at: poster.created_at,
      last_status_at: poster.last_status_at,
      followers_count: poster.followers_count,
      emojis: [],
    });
    expect(body.last_status_at).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(body.created_at).toMatch(/T00:00:00\.000Z$/);
  });

  it('returns several accounts by id[] in one request, skipping unknown ids, in id order', async () => {
    const [a, b] = dataset.mastodon.accounts;
    const res = await get(`/api/v1/accounts?id[]=${b.id}&id[]=999&id[]=${a.id}&id[]=${b.id}`);
    expect(res.status).toBe(200);
    expect((await res.json()).map((x: { id: string }) => x.id)).toEqual([a.id, b.id]);
    expect(mastodon.counters()).toEqual({ 'GET /api/v1/accounts': 1 });
  });

  it('refuses more than 40 distinct ids with a 422', async () => {
    const query = Array.from({ length: 41 }, (_, i) => `id[]=${i + 1}`).join('&');
    const res = await get(`/api/v1/accounts?${query}`);
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({ error: 'Mastodon::ValidationError' });
  });

  it('answers 404 for an unknown account id', async () => {
    const res = await get('/api/v1/accounts/123');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Record not found' });
    expect(mastodon.counters()).toEqual({ 'GET /api/v1/accounts/{id}': 1 });
  });
});

describe('Mastodon stand-in: statuses', () => {
  const ids = () => dataset.mastodon.statuses.filter((s) => s.account_id === poster.id).map((s) => s.id)
    .sort((x, y) => (BigInt(y) > BigInt(x) ? 1 : -1));
  const statusesPath = (query: string) => `/api/v1/accounts/${poster.id}/statuses?${query}`;

  it('returns the newest statuses first with a Link header to the older and newer pages', async () => {
    const all = ids();
    const res = await get(statusesPath('limit=2&exclude_replies=true'));
    const page = await res.json();
    expect(page.map((s: { id: string }) => s.id)).toEqual(all.slice(0, 2));
    expect(page[0]).toMatchObject({ content: expect.stringContaining('<p>'), account: { id: poster.id } });
    const base = `${mastodon.url}/api/v1/accounts/${poster.id}/statuses`;
    expect(res.headers.get('link')).toBe(
      `<${base}?exclude_replies=true&limit=2&max_id=${all[1]}>; rel="next", <${base}?exclude_replies=true&limit=2&min_id=${all[0]}>; rel="prev"`,
    );
  });

  it('walks back with max_id, forward with min_id and since_id', async () => {
    const all = ids();
    const older = await (await get(statusesPath(`limit=2&max_id=${all[1]}`))).json();
    expect(older.map((s: { id: string }) => s.id)).toEqual(all.slice(2, 4));
    const justNewer = await (await get(statusesPath(`limit=2&min_id=${all[4]}`))).json();
    expect(justNewer.map((s: { id: string }) => s.id)).toEqual(all.slice(2, 4));
    const newest = await (await get(statusesPath(`limit=2&since_id=${all[4]}`))).json();
    expect(newest.map((s: { id: string }) => s.id)).toEqual(all.slice(0, 2));
  });

  it('omits the next link on the last page and the whole header on an empty one', async () => {
    const all = ids();
    const last = await get(statusesPath(`limit=40`));
    expect((await last.json()).length).toBe(all.length);
    expect(last.headers.get('link')).not.toContain('rel="next"');
    const empty = await get(statusesPath(`max_id=${all[all.length - 1]}`));
    expect(await empty.json()).toEqual([]);
    expect(empty.headers.get('link')).toBeNull();
  });

  it('caps limit at 40 and keeps the asked limit in the links', async () => {
    const chatty = structuredClone(dataset);
    const template = chatty.mastodon.statuses.find((s) => s.account_id === poster.id)!;
    chatty.mastodon.statuses.push(...Array.from({ length: 45 }, (_, i) => ({ ...template, id: String(200_000_000_000_000_000n + BigInt(i)) })));
    const busy = await startMastodonStandIn({ dataset: chatty, credential: TOKEN });
    try {
      const res = await fetch(`${busy.url}${statusesPath('limit=500')}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect((await res.json()).length).toBe(40);
      expect(res.headers.get('link')).toContain('limit=500&max_id=');
    } finally {
      await busy.close();
    }
  });

  it('answers 404 Record not found for the statuses of an unknown account', async () => {
    const res = await get('/api/v1/accounts/404/statuses');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: 'Record not found' });
  });
});

describe('Mastodon stand-in: rate limits, counters and faults', () => {
  it('sends X-RateLimit headers on every response', async () => {
    const res = await get(`/api/v1/accounts/${poster.id}`);
    expect(res.headers.get('x-ratelimit-limit')).toBe(String(DEFAULT_RATE_LIMIT.limit));
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeLessThan(DEFAULT_RATE_LIMIT.limit);
    expect(res.headers.get('x-ratelimit-reset')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000000Z$/);
  });

  it('answers 429 Too many requests once a token is over its limit, until the window ends', async () => {
    let now = Date.UTC(2026, 10, 20, 9, 1, 0);
    const limited = await startMastodonStandIn({ dataset, credential: TOKEN, rateLimit: { limit: 2, windowMs: 300_000, now: () => now } });
    try {
      const fetchOne = () => fetch(`${limited.url}/api/v1/accounts/${poster.id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect((await fetchOne()).headers.get('x-ratelimit-remaining')).toBe('1');
      expect((await fetchOne()).headers.get('x-ratelimit-remaining')).toBe('0');
      const refused = await fetchOne();
      expect(refused.status).toBe(429);
      expect(await refused.json()).toEqual({ error: 'Too many requests' });
      expect(refused.headers.get('x-ratelimit-reset')).toBe('2026-11-20T09:05:00.000000Z');
      now += 300_000;
      expect((await fetchOne()).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('injects failures and counts them per endpoint', async () => {
    mastodon.setFaults({ failStatus: 500, count: 1 });
    expect((await get(`/api/v1/accounts/${poster.id}`)).status).toBe(500);
    expect((await get(`/api/v1/accounts/${poster.id}`)).status).toBe(200);
    expect(mastodon.totalRequests()).toBe(2);
    expect(mastodon.counters()['GET /api/v1/accounts/{id}']).toBe(1);
  });
});

describe('the Mastodon client with hostile handles and ids', () => {
  const client = () => createMastodonClient({ baseUrl: mastodon.url, credential: TOKEN, timeoutMs: 2000 });
  const acct = () => `${poster.username}@${dataset.mastodon.domain}`;

  it('looks up a well-formed acct, with or without a leading @, in one request', async () => {
    mastodon.resetCounters();
    expect((await client().lookupAccount(acct()))?.id).toBe(poster.id);
    expect((await client().lookupAccount(`@${acct().toUpperCase()}`))?.id).toBe(poster.id);
    expect(mastodon.totalRequests()).toBe(2);
  });

  it('sends no acct that is not spelled as Mastodon spells one: it names no account', async () => {
    mastodon.resetCounters();
    const hostile = [
      `${acct()}?acct=someone-else`, `${acct()}#x`, `${acct()}&limit=80`, `../accounts/${poster.id}`, `${poster.username}/../../1`,
      `${poster.username}@evil.example@${dataset.mastodon.domain}`, `${poster.username}@`, '@', '', ' ', "' OR 1=1 --", '*', '%', 'a\u0000b', 'x'.repeat(300),
    ];
    for (const value of hostile) expect(await client().lookupAccount(value)).toBeNull();
    expect(mastodon.totalRequests()).toBe(0);
  });

  it('never puts an account id that is not a number into a path or a query', async () => {
    mastodon.resetCounters();
    expect(await client().accountStatuses(`${poster.id}/../..`, 5)).toBeNull();
    expect(await client().accountStatuses('..', 5)).toBeNull();
    expect(await client().accountsById(['../1', `${poster.id}&id[]=1`])).toEqual([]);
    expect(mastodon.totalRequests()).toBe(0);
    expect((await client().accountsById([poster.id, '..'])).map((a) => a.id)).toEqual([poster.id]);
  });
});

describe('Mastodon stand-in: update_credentials', () => {
  const patch = (body: unknown) => fetch(`${mastodon.url}/api/v1/accounts/update_credentials`, {
    method: 'PATCH', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });

  it("stores the token owner's note as Mastodon renders typed text: escaped, paragraphs and <br />, spaces as typed", async () => {
    const owner = dataset.mastodon.accounts[0];
    const res = await patch({ note: 'a\t b & <c>\nd\n\ne\u00a0f' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: owner.id, note: '<p>a\t b &amp; &lt;c&gt;<br />d</p><p>e\u00a0f</p>', source: { note: 'a\t b & <c>\nd\n\ne\u00a0f' } });
    expect((await (await get(`/api/v1/accounts/${owner.id}`)).json()).note).toBe('<p>a\t b &amp; &lt;c&gt;<br />d</p><p>e\u00a0f</p>');
  });

  it('refuses a note over 500 characters with 422 and changes nothing', async () => {
    const owner = dataset.mastodon.accounts[0];
    const before = (await (await get(`/api/v1/accounts/${owner.id}`)).json()).note;
    const res = await patch({ note: 'x'.repeat(501) });
    expect(res.status).toBe(422);
    expect((await (await get(`/api/v1/accounts/${owner.id}`)).json()).note).toBe(before);
  });
});
