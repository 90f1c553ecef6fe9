import { describe, expect, it } from 'vitest';
import { createAcctCache } from '../../subgraphs/social/acct-cache.ts';
import type { MastodonClient } from '../../subgraphs/social/client.ts';
import { createLoaders } from '../../subgraphs/social/loaders.ts';
import { createStatusesCache } from '../../subgraphs/social/statuses-cache.ts';
import type { MastodonAccount, MastodonStatus } from '../../subgraphs/social/types.ts';
import { codedError } from '../../schema/errors.ts';

const account = (username: string, id: string): MastodonAccount => ({
  id, username, acct: username, display_name: username, note: '', url: null,
  followers_count: 0, following_count: 0, statuses_count: 0, last_status_at: null,
});
const status = (id: string): MastodonStatus => ({
  id, created_at: '2026-11-20T09:15:00.000Z', content: `<p>${id}</p>`, url: null, favourites_count: 0, reblogs_count: 0, replies_count: 0,
});

/** A fake Mastodon that records every call, answers after a tick and tracks how many calls are in flight. */
function recordingClient(accounts: MastodonAccount[], fail: { lookup?: string; statuses?: string } = {}) {
  const calls: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const track = async <T>(call: string, answer: () => T): Promise<T> => {
    calls.push(call);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    return answer();
  };
  const unavailable = () => { throw codedError('UPSTREAM_UNAVAILABLE', 'Mastodon is unreachable.'); };
  const client: MastodonClient = {
    lookupAccount: (acct) => track(`lookup ${acct}`, () => (acct === fail.lookup ? unavailable() : accounts.find((a) => a.username === acct.split('@')[0]) ?? null)),
    accountsById: (ids) => track(`accounts ${ids.join(',')}`, () => accounts.filter((a) => ids.includes(a.id))),
    accountStatuses: (id, limit) => track(`statuses ${id} ${limit}`, () => (id === fail.statuses ? unavailable() : [status('3'), status('2'), status('1')].slice(0, limit))),
  };
  return { client, calls, maxInFlight: () => maxInFlight };
}

const cacheOptions = { max: 100, notFoundTtlMs: 60_000 };
/** No statuses kept between loaders (most tests count the calls of one loader set). */
const noStatuses = () => createStatusesCache({ max: 100, ttlMs: 0 });

describe('accountByAcct', () => {
  const people = [account('ada', '1'), account('bob', '2'), account('cy', '3')];

  it('looks up unknown accts one by one, then fetches them all by id in one call', async () => {
    const fake = recordingClient(people);
    const cache = createAcctCache(cacheOptions);
    const cold = createLoaders(fake.client, cache, noStatuses(), { concurrency: 4 });
    expect((await cold.accountByAcct.loadMany(['ada', 'bob', 'nobody'])).map((a) => (a as MastodonAccount | null)?.id ?? null)).toEqual(['1', '2', null]);
    expect(fake.calls).toEqual(['lookup ada', 'lookup bob', 'lookup nobody']);

    fake.calls.length = 0;
    const warm = createLoaders(fake.client, cache, noStatuses(), { concurrency: 4 });
    expect((await warm.accountByAcct.loadMany(['bob', 'ada', 'nobody', 'cy'])).map((a) => (a as MastodonAccount | null)?.id ?? null)).toEqual(['2', '1', null, '3']);
    expect(fake.calls.sort()).toEqual(['accounts 2,1', 'lookup cy']);
  });

  it('fails only the acct whose lookup failed, and does not remember the failure', async () => {
    const fake = recordingClient(people, { lookup: 'bob' });
    const cache = createAcctCache(cacheOptions);
    const results = await createLoaders(fake.client, cache, noStatuses(), { concurrency: 4 }).accountByAcct.loadMany(['ada', 'bob']);
    expect((results[0] as MastodonAccount).id).toBe('1');
    expect(results[1]).toMatchObject({ message: 'Mastodon is unreachable.', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    expect(cache.get('bob')).toBeUndefined();
  });

  it('treats a known id that no longer answers as a gone account and remembers that', async () => {
    const fake = recordingClient([people[0]]);
    const cache = createAcctCache(cacheOptions);
    cache.remember('bob', '2');
    expect(await createLoaders(fake.client, cache, noStatuses(), { concurrency: 4 }).accountByAcct.load('bob')).toBeNull();
    expect(cache.get('bob')).toBeNull();
  });

  it('keeps at most `concurrency` lookups in flight', async () => {
    const many = Array.from({ length: 12 }, (_, i) => account(`u${i}`, String(i + 1)));
    const fake = recordingClient(many);
    await createLoaders(fake.client, createAcctCache(cacheOptions), noStatuses(), { concurrency: 3 }).accountByAcct.loadMany(many.map((a) => a.username));
    expect(fake.calls).toHaveLength(12);
    expect(fake.maxInFlight()).toBe(3);
  });
});

describe('recentStatuses', () => {
  it('asks once per account, for the largest limit asked, and slices each answer', async () => {
    const fake = recordingClient([]);
    const { recentStatuses } = createLoaders(fake.client, createAcctCache(cacheOptions), noStatuses(), { concurrency: 2 });
    const [one, three, other] = await Promise.all([
      recentStatuses.load({ accountId: '7', limit: 1 }),
      recentStatuses.load({ accountId: '7', limit: 3 }),
      recentStatuses.load({ accountId: '8', limit: 2 }),
    ]);
    expect(one.map((s) => s.id)).toEqual(['3']);
    expect(three.map((s) => s.id)).toEqual(['3', '2', '1']);
    expect(other.map((s) => s.id)).toEqual(['3', '2']);
    expect(fake.calls).toEqual(['statuses 7 3', 'statuses 8 2']);
  });

  it('fails only the account whose statuses request failed', async () => {
    const fake = recordingClient([], { statuses: '8' });
    const { recentStatuses } = createLoaders(fake.client, createAcctCache(cacheOptions), noStatuses(), { concurrency: 2 });
    const results = await recentStatuses.loadMany([{ accountId: '7', limit: 1 }, { accountId: '8', limit: 1 }]);
    expect((results[0] as MastodonStatus[]).map((s) => s.id)).toEqual(['3']);
    expect(results[1]).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });
});

describe('recentStatuses across requests', () => {
  it('serves an account asked again within the TTL from memory, a shorter page too, but not a longer one', async () => {
    const fake = recordingClient([]);
    const statuses = createStatusesCache({ max: 100, ttlMs: 60_000 });
    const request = () => createLoaders(fake.client, createAcctCache(cacheOptions), statuses, { concurrency: 2 }).recentStatuses;
    await request().load({ accountId: '7', limit: 2 });
    expect((await request().load({ accountId: '7', limit: 1 })).map((s) => s.id)).toEqual(['3']);
    expect((await request().load({ accountId: '7', limit: 2 })).map((s) => s.id)).toEqual(['3', '2']);
    expect(fake.calls).toEqual(['statuses 7 2']);
    expect((await request().load({ accountId: '7', limit: 3 })).map((s) => s.id)).toEqual(['3', '2', '1']);
    expect(fake.calls).toEqual(['statuses 7 2', 'statuses 7 3']);
  });

  it('asks again once the TTL is over, and never keeps a failure', async () => {
    const fake = recordingClient([], { statuses: '8' });
    const statuses = createStatusesCache({ max: 100, ttlMs: 30 });
    const request = () => createLoaders(fake.client, createAcctCache(cacheOptions), statuses, { concurrency: 2 }).recentStatuses;
    await request().load({ accountId: '7', limit: 1 });
    await expect(request().load({ accountId: '8', limit: 1 })).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    await expect(request().load({ accountId: '8', limit: 1 })).rejects.toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
    await new Promise((r) => setTimeout(r, 40));
    await request().load({ accountId: '7', limit: 1 });
    expect(fake.calls).toEqual(['statuses 7 1', 'statuses 8 1', 'statuses 8 1', 'statuses 7 1']);
  });

  it('starts an account\'s statuses beside its account request when the acct\'s id is known, and only then', async () => {
    const fake = recordingClient([account('ada', '1')]);
    const accts = createAcctCache(cacheOptions);
    const cold = createLoaders(fake.client, accts, noStatuses(), { concurrency: 2 });
    cold.prefetchStatuses('ada', 2);
    await cold.accountByAcct.load('ada');
    expect(fake.calls).toEqual(['lookup ada']);
    const warm = createLoaders(fake.client, accts, noStatuses(), { concurrency: 2 });
    warm.prefetchStatuses('ada', 2);
    await warm.accountByAcct.load('ada');
    expect(fake.calls.slice(1).sort()).toEqual(['accounts 1', 'statuses 1 2']);
    expect(fake.maxInFlight()).toBe(2); // together, not one after the other
    // The resolver's own load finds the started request.
    expect((await warm.recentStatuses.load({ accountId: '1', limit: 2 })).map((s) => s.id)).toEqual(['3', '2']);
    expect(fake.calls).toHaveLength(3);
  });
});

describe('createAcctCache', () => {
  it('refuses a bad option, naming the value', () => {
    expect(() => createAcctCache({ max: 0, notFoundTtlMs: 1 })).toThrow('max must be a positive integer: 0');
  });
});
