/** Starts the HubSpot stand-in and the crm subgraph on port 0, and talks GraphQL to the subgraph over HTTP. */
import { readFileSync } from 'node:fs';
import type { Dataset, HubSpotContact } from '../../upstreams/dataset/types.ts';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { crmSubgraph } from '../../subgraphs/crm/index.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';

export const TOKEN = 'pat-test-hubspot';

export interface GraphQLAnswer {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface CrmHarness {
  standIn: StandIn;
  subgraph: RunningSubgraph;
  query(query: string, variables?: Record<string, unknown>): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

export async function startCrm(options: { dataset?: Dataset; token?: string; timeoutMs?: number } = {}): Promise<CrmHarness> {
  const standIn = await startHubSpotStandIn({ dataset: options.dataset ?? generateDataset(), credential: TOKEN });
  const subgraph = await startSubgraph(crmSubgraph({
    hubspot: { baseUrl: standIn.url, credential: options.token ?? TOKEN, timeoutMs: options.timeoutMs ?? 5000 },
    listen: TEST_LISTEN,
  }), TEST_LISTEN);
  return {
    standIn,
    subgraph,
    async query(query, variables = {}) {
      const headers = { 'content-type': 'application/json', ...(await internalAuthHeader('crm')) };
      const res = await fetch(subgraph.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as GraphQLAnswer;
    },
    close: async () => {
      await subgraph.close();
      await standIn.close();
    },
  };
}

/** A dataset whose CRM holds exactly these contacts. */
export const withContacts = (contacts: HubSpotContact[]): Dataset =>
  ({ ...generateDataset({ customers: 0, orders: 0, products: 1 }), hubspot: { contacts } });

/** A JSON fixture under test/crm/fixtures. */
export const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;

/** The contacts recorded from the stand-in (see fixtures/recorded-batch-read.json). */
export const recordedContacts = (): HubSpotContact[] => fixture<{ results: HubSpotContact[] }>('recorded-batch-read.json').results;

export const customerId = (contactId: string): string => encodeId('Customer', contactId);

/** The `_entities` query the gateway sends for Customer fields. */
export const CUSTOMER_ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id name version sources { system externalId version updatedAt linkedBy } } }
}`;

/** The `_entities` query the gateway sends for Order.customer. */
export const ORDER_ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Order { customer { id name } } }
}`;
