/** Counts one lookup in a shared cache into the current server's metrics (nothing outside a server). */
import { currentMetrics } from './request-scope.ts';

/** `cache`: a fixed name (subgraph_cache_lookups_total's `cache` label); `hit`: answered from memory. */
export function recordCacheLookup(cache: string, hit: boolean): void {
  currentMetrics()?.cacheLookup(cache, hit);
}
