/** The ERP subgraph (Odoo): Customer.account, erpSource and lifetimeValue; Order fulfilment and totalIn; Product stock. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SubgraphOptions } from '../shared/server.ts';
import { createOdooClient } from './client.ts';
import type { ErpConfig } from './config.ts';
import { createLoaders } from './loaders.ts';
import { createReferenceData } from './reference-data.ts';
import { resolvers, type ErpContext } from './resolvers.ts';
import { subgraphRecordCache } from '../shared/record-cache/subgraph-cache.ts';

const SDL_PATH = fileURLToPath(new URL('../../schema/erp.graphql', import.meta.url));

/**
 * The subgraph's schema, resolvers and per-request context. The company currency and rate table are
 * cached here, once per subgraph, for config.referenceTtlMs (they hold no caller's data), or read once
 * per request when it is 0; DataLoaders are fresh per request. Partners found by their stored id are
 * kept in the record cache (config.recordCache), which the sync service drops from after each write.
 */
export function erpSubgraph(config: Pick<ErpConfig, 'odoo' | 'referenceTtlMs' | 'recordCache'>): SubgraphOptions<ErpContext> {
  const client = createOdooClient(config.odoo);
  const { cache, internalRoutes, background } = subgraphRecordCache('ERP', config.recordCache);
  const shared = config.referenceTtlMs > 0 ? createReferenceData(client, config.referenceTtlMs) : null;
  return {
    name: 'erp',
    sdl: readFileSync(SDL_PATH, 'utf8'),
    resolvers,
    context: () => ({ loaders: createLoaders(client, shared ?? createReferenceData(client, 0), cache) }),
    internalRoutes,
    background,
  };
}
