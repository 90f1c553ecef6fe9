/** The record cache's settings from env: a TTL per system, one size bound, the database replicas hear of changes through; the sync service's delivery timeout. */
import { readDatabaseUrl } from '../database-url.ts';
import { envInteger } from '../env-integer.ts';
import type { RecordCacheConfig } from './record-cache.ts';

export const DEFAULT_RECORD_TTL_MS = 30_000;
export const DEFAULT_RECORD_CACHE_MAX = 10_000;
export const DEFAULT_INVALIDATION_TIMEOUT_MS = 250;

export interface SubgraphRecordCacheConfig extends RecordCacheConfig {
  /** DATABASE_URL: also drop what the sync replicas announce over PostgreSQL LISTEN/NOTIFY (pg-invalidation.ts); null or absent: only what they POST here. */
  databaseUrl?: string | null;
}

/** `<PREFIX>_RECORD_TTL_MS` (CRM, ERP, COMMERCE; 0 = off), `RECORD_CACHE_MAX` and `DATABASE_URL`. */
export function readRecordCacheConfig(env: NodeJS.ProcessEnv, prefix: string): SubgraphRecordCacheConfig {
  return {
    databaseUrl: readDatabaseUrl(env),
    ttlMs: envInteger(env, `${prefix}_RECORD_TTL_MS`, DEFAULT_RECORD_TTL_MS, { min: 0, max: 24 * 60 * 60_000 }),
    maxEntries: envInteger(env, 'RECORD_CACHE_MAX', DEFAULT_RECORD_CACHE_MAX, { min: 1 }),
  };
}
