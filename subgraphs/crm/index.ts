/** The crm subgraph: Customer from HubSpot contacts, and Order.customer. */
import type { SubgraphOptions } from '../shared/server.ts';
import { readSubgraphSdl } from '../../schema/compose.ts';
import type { CrmConfig } from './config.ts';
import { createHubSpotClient } from './client.ts';
import { createLoaders } from './loaders.ts';
import { resolvers, type CrmContext } from './resolvers.ts';
import { subgraphRecordCache } from '../shared/record-cache/subgraph-cache.ts';

export type { CrmContext } from './resolvers.ts';

/**
 * Every request gets fresh loaders over one shared client; contacts read by id are also kept in the
 * subgraph's record cache (config.recordCache), which the sync service drops from after each write.
 */
export function crmSubgraph(config: CrmConfig): SubgraphOptions<CrmContext> {
  const client = createHubSpotClient(config.hubspot);
  const { cache, internalRoutes, background } = subgraphRecordCache('CRM', config.recordCache);
  return {
    name: 'crm',
    sdl: readSubgraphSdl('crm'),
    resolvers,
    context: () => ({ loaders: createLoaders(client, cache) }),
    internalRoutes,
    background,
  };
}
