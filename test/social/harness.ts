/** Starts the Mastodon stand-in and the social subgraph on port 0 and talks GraphQL to the subgraph. */
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset } from '../../upstreams/dataset/types.ts';
import { startMastodonStandIn, type MastodonStandInOptions } from '../../upstreams/mastodon/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';
import { socialSubgraph } from '../../subgraphs/social/index.ts';
import type { AcctCacheOptions } from '../../subgraphs/social/acct-cache.ts';
import type { StatusesCacheOptions } from '../../subgraphs/social/statuses-cache.ts';

export const TOKEN = 'mastodon-test-token';

/** A small dataset: 60 customers, about half of them on Mastodon. */
export const smallDataset = (): Dataset => generateDataset({ seed: 42, customers: 60, orders: 20, products: 5 });

export interface SocialStack {
  dataset: Dataset;
  mastodon: StandIn;
  subgraph: RunningSubgraph;
  graphql(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse>;
  close(): Promise<void>;
}

export interface GraphQLResponse {
  data?: Record<string, any> | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function startSocialStack(options: {
  dataset?: Dataset;
  rateLimit?: MastodonStandInOptions['rateLimit'];
  acctCache?: AcctCacheOptions;
  /** Default: nothing kept, so that each test counts its own statuses requests. */
  statusesCache?: StatusesCacheOptions;
  concurrency?: number;
  timeoutMs?: number;
} = {}): Promise<SocialStack> {
  const dataset = options.dataset ?? smallDataset();
  const mastodon = await startMastodonStandIn({ dataset, credential: TOKEN, rateLimit: options.rateLimit });
  const subgraph = await startSubgraph(socialSubgraph({
    mastodon: { baseUrl: mastodon.url, credential: TOKEN, timeoutMs: options.timeoutMs ?? 2000 },
    concurrency: options.concurrency ?? 4,
    acctCache: options.acctCache ?? { max: 1000, notFoundTtlMs: 60_000 },
    statusesCache: options.statusesCache ?? { max: 1000, ttlMs: 0 },
  }), TEST_LISTEN);
  return {
    dataset,
    mastodon,
    subgraph,
    graphql: async (query, variables) => {
      const headers = { 'content-type': 'application/json', ...(await internalAuthHeader('social')) };
      const res = await fetch(subgraph.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as GraphQLResponse;
    },
    close: async () => {
      await subgraph.close();
      await mastodon.close();
    },
  };
}

/** Customer representations as the gateway sends them: the key plus the CRM's link data. */
export function representations(dataset: Dataset, count: number, offset = 0) {
  return dataset.hubspot.contacts.slice(offset, offset + count).map((c) => ({
    __typename: 'Customer',
    id: Buffer.from(`Customer:${c.id}`).toString('base64url'),
    links: {
      contactId: c.id,
      email: c.properties.email,
      erpPartnerId: c.properties.erp_partner_id,
      shopCustomerId: c.properties.shop_customer_id,
      mastodonAcct: c.properties.mastodon_acct,
    },
  }));
}

/** GET on the stand-in with the test token unless headers are given. */
export function mastodonGet(stack: { mastodon: StandIn }, path: string, headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` }) {
  return fetch(`${stack.mastodon.url}${path}`, { headers });
}
