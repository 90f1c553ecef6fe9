/** The commerce subgraph: Order and Product from Shopify, and the shop side of Customer. */
import { readSubgraphSdl } from '../../schema/compose.ts';
import type { SubgraphOptions } from '../shared/server.ts';
import { createShopifyClient } from './client.ts';
import type { CommerceConfig } from './config.ts';
import { createLoaders } from './loaders.ts';
import { resolvers, type CommerceContext } from './resolvers.ts';
import { subgraphRecordCache } from '../shared/record-cache/subgraph-cache.ts';

export type { CommerceContext } from './resolvers.ts';

/**
 * Every request gets fresh loaders over one shared client; shop customers read by their stored gid are
 * also kept in the record cache (config.recordCache), which the sync service drops from after each write.
 */
export function commerceSubgraph(config: Pick<CommerceConfig, 'shopify' | 'recordCache'>): SubgraphOptions<CommerceContext> {
  const client = createShopifyClient(config.shopify);
  const { cache, internalRoutes, background } = subgraphRecordCache('COMMERCE', config.recordCache);
  return {
    name: 'commerce',
    sdl: readSubgraphSdl('commerce'),
    resolvers,
    context: () => ({ loaders: createLoaders(client, cache) }),
    internalRoutes,
    background,
  };
}
