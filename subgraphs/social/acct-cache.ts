/**
 * The process-wide cache of acct → Mastodon account id, shared by every request. Mastodon can look
 * accounts up in batches only by id, so knowing the id turns N lookups into one request. An acct never
 * changes its id on an instance (usernames cannot be renamed or reused), so found ids stay until evicted;
 * "no such account" is remembered too, for a shorter time, since the account may be created later.
 * The mapping is public and the same for every caller, so sharing it leaks nothing between callers.
 */
import { LRUCache } from 'lru-cache';
import { recordCacheLookup } from '../shared/observability/cache-lookup.ts';

export interface AcctCacheOptions {
  /** Entries kept; the least recently used go first. */
  max: number;
  /** How long "no such account" is believed. */
  notFoundTtlMs: number;
}

/** What the cache knows about an acct: its id, null for "no such account", undefined for "unknown". */
export interface AcctCache {
  get(acct: string): string | null | undefined;
  /** get without counting a lookup (for a prefetch, whose real lookup comes later). */
  peek(acct: string): string | null | undefined;
  remember(acct: string, id: string | null): void;
}

export const DEFAULT_ACCT_CACHE: AcctCacheOptions = { max: 50_000, notFoundTtlMs: 5 * 60_000 };

export function createAcctCache(options: AcctCacheOptions = DEFAULT_ACCT_CACHE): AcctCache {
  if (!Number.isInteger(options.max) || options.max <= 0) throw new Error(`max must be a positive integer: ${options.max}`);
  if (!Number.isInteger(options.notFoundTtlMs) || options.notFoundTtlMs <= 0) {
    throw new Error(`notFoundTtlMs must be a positive integer: ${options.notFoundTtlMs}`);
  }
  const cache = new LRUCache<string, { id: string | null }>({ max: options.max });
  return {
    get: (acct) => {
      const entry = cache.get(acct);
      recordCacheLookup('mastodon_acct', entry !== undefined);
      return entry?.id;
    },
    peek: (acct) => cache.peek(acct)?.id,
    remember: (acct, id) => {
      cache.set(acct, { id }, id === null ? { ttl: options.notFoundTtlMs } : {});
    },
  };
}
