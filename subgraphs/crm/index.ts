/** The crm subgraph: Customer from HubSpot contacts, and Order.customer. */
import type { SubgraphOptions } from '../shared/server.ts';
import { readSubgraphSdl } from '../../schema/compose.ts';
import type { CrmConfig } from './config.ts';
import { createHubSpotClient } from './client.ts';
import { createLoaders } from './loaders.ts';
import { resolvers, type CrmContext } from './resolvers.ts';

export type { CrmContext } from './resolvers.ts';

/** No cache outlives a request: every request gets fresh loaders over one shared client. */
export function crmSubgraph(config: CrmConfig): SubgraphOptions<CrmContext> {
  const client = createHubSpotClient(config.hubspot);
  return {
    name: 'crm',
    sdl: readSubgraphSdl('crm'),
    resolvers,
    context: () => ({ loaders: createLoaders(client) }),
  };
}
