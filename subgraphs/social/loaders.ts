/**
 * Per-request DataLoaders. Mastodon has no batch lookup by acct, only `accounts?id[]=` by id, and no
 * batch statuses endpoint at all, so:
 * - accounts: accts whose id the shared cache knows are fetched together in one `accounts?id[]=` request
 *   (one per 40 ids); unknown accts are looked up one by one, a few at a time, and each lookup's answer
 *   serves as the account for this request and teaches the cache its id. Warm, N customers cost 1 request.
 * - statuses: one request per distinct account, a few at a time; the same account asked twice in a request
 *   (even with different `first`) costs one request, for the largest `first`. Answers are kept briefly
 *   across requests (statuses-cache.ts), and identical requests in flight are shared (upstream-http.ts).
 *   When the handle's id is known, `prefetchStatuses` starts the request together with the account's,
 *   rather than after it.
 */
import DataLoader from 'dataloader';
import pLimit, { type LimitFunction } from 'p-limit';
import type { AcctCache } from './acct-cache.ts';
import type { MastodonClient } from './client.ts';
import type { StatusesCache } from './statuses-cache.ts';
import type { MastodonAccount, MastodonStatus } from './types.ts';

export interface StatusesKey {
  accountId: string;
  limit: number;
}

export interface SocialLoaders {
  /** Normalized acct → its account, or null when the instance has none. */
  accountByAcct: DataLoader<string, MastodonAccount | null>;
  /** The account's newest statuses, at most `limit`; empty when the account is gone. */
  recentStatuses: DataLoader<StatusesKey, MastodonStatus[], string>;
  /** Starts recentStatuses for an acct whose account id is already known (else does nothing); failures surface at the later load. */
  prefetchStatuses(acct: string, limit: number): void;
}

export interface LoaderOptions {
  /** Upstream calls one request has in flight at once for the calls that cannot be batched (lookups, statuses; p-limit). */
  concurrency: number;
}

export function createLoaders(client: MastodonClient, cache: AcctCache, statuses: StatusesCache, options: LoaderOptions): SocialLoaders {
  // One bound for the request's calls that cannot be batched.
  const bound = pLimit(options.concurrency);
  const recentStatuses = new DataLoader<StatusesKey, MastodonStatus[], string>((keys) => loadStatuses(client, statuses, bound, keys), {
    cacheKeyFn: (key) => `${key.accountId}:${key.limit}`,
  });
  return {
    accountByAcct: new DataLoader((accts) => loadAccounts(client, cache, bound, accts)),
    recentStatuses,
    prefetchStatuses: (acct, limit) => {
      const accountId = cache.peek(acct);
      if (accountId) recentStatuses.load({ accountId, limit }).catch(() => undefined);
    },
  };
}

async function loadAccounts(
  client: MastodonClient, cache: AcctCache, bound: LimitFunction, accts: readonly string[],
): Promise<(MastodonAccount | null | Error)[]> {
  const known = new Map<string, string | null>(accts.flatMap((acct) => {
    const id = cache.get(acct);
    return id === undefined ? [] : [[acct, id]];
  }));
  const unknown = accts.filter((acct) => !known.has(acct));
  const ids = [...new Set([...known.values()].filter((id) => id !== null))];

  const [byId, lookedUp] = await Promise.all([
    ids.length ? settle(client.accountsById(ids)) : [],
    bound.map(unknown, (acct) => settle(client.lookupAccount(acct))),
  ]);
  const found = new Map(byId instanceof Error ? [] : byId.map((a) => [a.id, a]));
  const lookups = new Map(unknown.map((acct, i) => [acct, lookedUp[i]]));

  return accts.map((acct) => {
    const lookup = lookups.get(acct);
    if (lookup !== undefined) {
      if (!(lookup instanceof Error)) cache.remember(acct, lookup?.id ?? null);
      return lookup;
    }
    const id = known.get(acct) ?? null;
    if (id === null) return null;
    if (byId instanceof Error) return byId;
    // A known id that no longer answers: the account was suspended or deleted since.
    if (!found.has(id)) cache.remember(acct, null);
    return found.get(id) ?? null;
  });
}

async function loadStatuses(
  client: MastodonClient, cache: StatusesCache, bound: LimitFunction, keys: readonly StatusesKey[],
): Promise<(MastodonStatus[] | Error)[]> {
  const limits = new Map<string, number>();
  for (const { accountId, limit } of keys) limits.set(accountId, Math.max(limit, limits.get(accountId) ?? 0));
  const byAccount = new Map<string, MastodonStatus[] | null | Error>();
  for (const [id, limit] of limits) {
    const known = cache.get(id, limit);
    if (known !== undefined) byAccount.set(id, known);
  }
  const missing = [...limits.keys()].filter((id) => !byAccount.has(id));
  const pages = await bound.map(missing, async (id) => {
    const page = await settle(client.accountStatuses(id, limits.get(id) ?? 0));
    if (!(page instanceof Error)) cache.remember(id, limits.get(id) ?? 0, page);
    return page;
  });
  missing.forEach((id, i) => byAccount.set(id, pages[i]));
  return keys.map(({ accountId, limit }) => {
    const page = byAccount.get(accountId);
    return page instanceof Error ? page : (page ?? []).slice(0, limit);
  });
}

/** The value, or the error it failed with, so that one failed upstream call fails only its own keys. */
async function settle<T>(promise: Promise<T>): Promise<T | Error> {
  try {
    return await promise;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}
