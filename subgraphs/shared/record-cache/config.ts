/** The record cache's settings from env: a TTL per system and one size bound; the sync service's delivery timeout. */
import { envInteger } from '../env-integer.ts';
import type { RecordCacheConfig } from './record-cache.ts';

export const DEFAULT_RECORD_TTL_MS = 30_000;
export const DEFAULT_RECORD_CACHE_MAX = 10_000;
export const DEFAULT_INVALIDATION_TIMEOUT_MS = 250;

/** `<PREFIX>_RECORD_TTL_MS` (CRM, ERP, COMMERCE; 0 = off) and `RECORD_CACHE_MAX`. */
export function readRecordCacheConfig(env: NodeJS.ProcessEnv, prefix: string): RecordCacheConfig {
  return {
    ttlMs: envInteger(env, `${prefix}_RECORD_TTL_MS`, DEFAULT_RECORD_TTL_MS, { min: 0, max: 24 * 60 * 60_000 }),
    maxEntries: envInteger(env, 'RECORD_CACHE_MAX', DEFAULT_RECORD_CACHE_MAX, { min: 1 }),
  };
}
