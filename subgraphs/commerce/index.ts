/** The commerce subgraph: Order and Product from Shopify, and the shop side of Customer. */
import { readSubgraphSdl } from '../../schema/compose.ts';
import type { SubgraphOptions } from '../shared/server.ts';
import { createShopifyClient } from './client.ts';
import type { CommerceConfig } from './config.ts';
import { createLoaders } from './loaders.ts';
import { resolvers, type CommerceContext } from './resolvers.ts';

export type { CommerceContext } from './resolvers.ts';

/** No cache outlives a request: every request gets fresh loaders over one shared client. */
export function commerceSubgraph(config: Pick<CommerceConfig, 'shopify'>): SubgraphOptions<CommerceContext> {
  const client = createShopifyClient(config.shopify);
  return {
    name: 'commerce',
    sdl: readSubgraphSdl('commerce'),
    resolvers,
    context: () => ({ loaders: createLoaders(client) }),
  };
}
