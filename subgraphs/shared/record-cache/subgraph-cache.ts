/**
 * What a read subgraph wires: its record cache (null when off or unconfigured), the internal route that
 * drops from it, and, with DATABASE_URL, the listener that drops what any sync replica announces over
 * PostgreSQL (the route reaches only the replica the sync service was pointed at).
 */
import type { Logger } from '../logging/logger.ts';
import { openPgNotify } from '../pg-notify/pg-notify.ts';
import type { RouteHandler } from '../server.ts';
import type { SubgraphRecordCacheConfig } from './config.ts';
import { invalidationRoutes } from './invalidation-route.ts';
import { createPgInvalidation, RECORDS_TOPIC } from './pg-invalidation.ts';
import { createRecordCache, type RecordCache } from './record-cache.ts';
import { createLocalInvalidation } from './record-invalidation.ts';
import type { CachedSystem } from './record-keys.ts';

export interface SubgraphRecordCache {
  cache: RecordCache | null;
  /** For SubgraphOptions.internalRoutes: answered (and harmless) with the cache off too. */
  internalRoutes: Record<string, RouteHandler>;
  /** For SubgraphOptions.background: the PostgreSQL listener, when there is a cache and a database. */
  background?: (logger: Logger) => Promise<() => Promise<void>>;
}

/** How long a start waits to be listening: a database that is down must not keep the subgraph from serving (it then drops its cache once listening). */
const LISTEN_WAIT_MS = 3000;

export function subgraphRecordCache(system: CachedSystem, config: SubgraphRecordCacheConfig | undefined): SubgraphRecordCache {
  const cache = config ? createRecordCache(system, config) : null;
  const invalidation = createLocalInvalidation();
  if (cache) invalidation.subscribe((keys) => cache.drop(keys));
  const databaseUrl = config?.databaseUrl;
  return {
    cache,
    internalRoutes: invalidationRoutes(invalidation),
    ...(cache && databaseUrl && {
      background: async (logger: Logger) => {
        const channel = openPgNotify({ connectionString: databaseUrl, listen: [RECORDS_TOPIC], logger });
        createPgInvalidation(channel, () => undefined).subscribe((keys) => cache.drop(keys));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([channel.listening(), new Promise((resolve) => { timer = setTimeout(resolve, LISTEN_WAIT_MS); })]);
        clearTimeout(timer);
        return () => channel.close();
      },
    }),
  };
}
