/** The social subgraph's settings, read once from the environment by main.ts. */
import { readListenConfig, readUpstreamConfig, type SubgraphListenConfig } from '../shared/config.ts';
import { envInteger } from '../shared/env-integer.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { DEFAULT_ACCT_CACHE, type AcctCacheOptions } from './acct-cache.ts';
import { DEFAULT_STATUSES_CACHE, type StatusesCacheOptions } from './statuses-cache.ts';

export interface SocialConfig {
  /** MASTODON_URL, MASTODON_TOKEN, MASTODON_TIMEOUT_MS. */
  mastodon: UpstreamConfig;
  /** MASTODON_CONCURRENCY: Mastodon lookups or statuses calls one request sends at once (default 16: a page's profiles in one or two rounds). */
  concurrency: number;
  /** MASTODON_ACCT_CACHE_MAX (default 50000) and MASTODON_NOT_FOUND_TTL_MS (default 300000). */
  acctCache: AcctCacheOptions;
  /** MASTODON_STATUSES_TTL_MS (default 30000; 0: not kept) and MASTODON_STATUSES_CACHE_MAX (default 10000). */
  statusesCache: StatusesCacheOptions;
  /** SOCIAL_PORT (default 4004), HOST (default 127.0.0.1). */
  listen: SubgraphListenConfig;
}

/** Defaults point at the embedded Mastodon stand-in on loopback with its dev token. */
export function readSocialConfig(env: NodeJS.ProcessEnv): SocialConfig {
  return {
    mastodon: readUpstreamConfig(env, 'MASTODON', { baseUrl: 'http://127.0.0.1:4104', credential: 'mastodon-dev-token', timeoutMs: 5000 }),
    concurrency: envInteger(env, 'MASTODON_CONCURRENCY', 16, { min: 1 }),
    acctCache: {
      max: envInteger(env, 'MASTODON_ACCT_CACHE_MAX', DEFAULT_ACCT_CACHE.max, { min: 1 }),
      notFoundTtlMs: envInteger(env, 'MASTODON_NOT_FOUND_TTL_MS', DEFAULT_ACCT_CACHE.notFoundTtlMs, { min: 1 }),
    },
    statusesCache: {
      ttlMs: envInteger(env, 'MASTODON_STATUSES_TTL_MS', DEFAULT_STATUSES_CACHE.ttlMs, { min: 0 }),
      max: envInteger(env, 'MASTODON_STATUSES_CACHE_MAX', DEFAULT_STATUSES_CACHE.max, { min: 1 }),
    },
    listen: readListenConfig(env, 'SOCIAL', 4004),
  };
}
