/** What a read subgraph wires: its record cache (null when off or unconfigured) and the internal route that drops from it. */
import type { RouteHandler } from '../server.ts';
import { invalidationRoutes } from './invalidation-route.ts';
import { createRecordCache, type RecordCache, type RecordCacheConfig } from './record-cache.ts';
import { createLocalInvalidation } from './record-invalidation.ts';
import type { CachedSystem } from './record-keys.ts';

export interface SubgraphRecordCache {
  cache: RecordCache | null;
  /** For SubgraphOptions.internalRoutes: answered (and harmless) with the cache off too. */
  internalRoutes: Record<string, RouteHandler>;
}

export function subgraphRecordCache(system: CachedSystem, config: RecordCacheConfig | undefined): SubgraphRecordCache {
  const cache = config ? createRecordCache(system, config) : null;
  const invalidation = createLocalInvalidation();
  if (cache) invalidation.subscribe((keys) => cache.drop(keys));
  return { cache, internalRoutes: invalidationRoutes(invalidation) };
}
