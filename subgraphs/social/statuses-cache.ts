/**
 * The process-wide cache of each account's newest statuses, kept briefly. Mastodon has no batch
 * statuses endpoint, so every account on a page costs one request; pages asked again within the TTL
 * (the same customers listed by several callers, or one caller paging back) cost none. What is kept is
 * what the subgraph's one token reads, the same for every caller (no caller's own data), and only for
 * `ttlMs`: a new post shows up at most that late.
 */
import { LRUCache } from 'lru-cache';
import { recordCacheLookup } from '../shared/observability/cache-lookup.ts';
import type { MastodonStatus } from './types.ts';

export interface StatusesCacheOptions {
  /** Accounts kept; the least recently used go first. */
  max: number;
  /** How long an answer is served; 0 keeps nothing. */
  ttlMs: number;
}

export const DEFAULT_STATUSES_CACHE: StatusesCacheOptions = { max: 10_000, ttlMs: 30_000 };

export interface StatusesCache {
  /** The account's newest `limit` statuses (null: the account is gone), or undefined when not known well enough. */
  get(accountId: string, limit: number): MastodonStatus[] | null | undefined;
  /** What a request for `limit` statuses answered. */
  remember(accountId: string, limit: number, statuses: MastodonStatus[] | null): void;
}

export function createStatusesCache(options: StatusesCacheOptions = DEFAULT_STATUSES_CACHE): StatusesCache {
  if (!Number.isInteger(options.max) || options.max <= 0) throw new Error(`max must be a positive integer: ${options.max}`);
  if (!Number.isInteger(options.ttlMs) || options.ttlMs < 0) throw new Error(`ttlMs must be an integer of at least 0: ${options.ttlMs}`);
  if (options.ttlMs === 0) return { get: () => undefined, remember: () => undefined };
  const cache = new LRUCache<string, { limit: number; statuses: MastodonStatus[] | null }>({ max: options.max, ttl: options.ttlMs });
  return {
    get: (accountId, limit) => {
      const entry = cache.get(accountId);
      // A shorter page says nothing about the statuses after it.
      const known = entry !== undefined && (entry.statuses === null || entry.limit >= limit);
      recordCacheLookup('mastodon_statuses', known);
      return known ? entry.statuses && entry.statuses.slice(0, limit) : undefined;
    },
    remember: (accountId, limit, statuses) => {
      cache.set(accountId, { limit, statuses });
    },
  };
}
