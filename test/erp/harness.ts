/**
 * Starts the Odoo stand-in and the ERP subgraph on port 0 for one test file, and speaks GraphQL to the
 * subgraph the way the gateway does: `_entities` with representations carrying the @requires fields.
 */
import { afterAll, beforeAll } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset, HubSpotContact } from '../../upstreams/dataset/types.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';
import { erpSubgraph } from '../../subgraphs/erp/index.ts';
import { readErpConfig } from '../../subgraphs/erp/config.ts';

const DEV_KEY = 'odoo-dev-api-key';

export interface GraphQLResult {
  status: number;
  text: string;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

export interface ErpHarness {
  readonly dataset: Dataset;
  readonly odoo: StandIn;
  gql(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult>;
  /** `_entities(representations)` with `selection` applied to each entity. */
  entities(representations: unknown[], selection: string): Promise<GraphQLResult>;
}

/** `env` is passed to readErpConfig on top of the stand-in's URL (e.g. a timeout or TTL). */
export function useErp(env: NodeJS.ProcessEnv = {}): ErpHarness {
  const dataset = generateDataset({ customers: 40, orders: 300, products: 8 });
  let odoo: StandIn | undefined;
  let subgraph: RunningSubgraph | undefined;
  beforeAll(async () => {
    odoo = await startOdooStandIn({ dataset, credential: DEV_KEY });
    subgraph = await startSubgraph(erpSubgraph(readErpConfig({ ODOO_URL: odoo.url, ...env })), TEST_LISTEN);
  });
  afterAll(async () => {
    await subgraph?.close();
    await odoo?.close();
  });
  const gql = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResult> => {
    const headers = { 'content-type': 'application/json', ...(await internalAuthHeader('erp')) };
    const res = await fetch(subgraph!.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await res.text();
    return { status: res.status, text, body: JSON.parse(text) };
  };
  return {
    dataset,
    get odoo() {
      if (!odoo) throw new Error('The stand-in is not running yet.');
      return odoo;
    },
    gql,
    entities: (representations, selection) =>
      gql(`query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`, { r: representations }),
  };
}

/** The representation the gateway sends for a CRM contact: its key and the links it @requires. */
export function customerRep(contact: HubSpotContact, extra: Record<string, unknown> = {}) {
  const p = contact.properties;
  return {
    __typename: 'Customer', id: `customer-${contact.id}`,
    links: { contactId: contact.id, email: p.email, erpPartnerId: p.erp_partner_id, shopCustomerId: p.shop_customer_id, mastodonAcct: p.mastodon_acct },
    ...extra,
  };
}
