/** Starts the Shopify stand-in and the commerce subgraph on port 0 for one test file, and speaks HTTP to both. */
import { afterAll, beforeAll } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset, DatasetOptions } from '../../upstreams/dataset/types.ts';
import { GRAPHQL_PATH, startShopifyStandIn, type ShopifyStandIn, type ShopifyStandInOptions } from '../../upstreams/shopify/server.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { commerceSubgraph } from '../../subgraphs/commerce/index.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';

export const TOKEN = 'shpat_test_token';

export interface Answer {
  status: number;
  /** The raw response text, for asserting what must never appear in it. */
  text: string;
  body: any;
}

export interface CommerceHarness {
  readonly dataset: Dataset;
  readonly shopify: ShopifyStandIn;
  readonly subgraph: RunningSubgraph;
  /** GraphQL to the commerce subgraph, as the gateway sends it. */
  gql(query: string, variables?: Record<string, unknown>): Promise<Answer>;
  /** Admin GraphQL straight to the stand-in; `token: null` sends none. */
  admin(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<Answer>;
}

export interface HarnessOptions {
  dataset?: Partial<DatasetOptions>;
  throttle?: ShopifyStandInOptions['throttle'];
  timeoutMs?: number;
  /** Start only the stand-in. */
  standInOnly?: boolean;
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<Answer> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
}

export function useCommerce(options: HarnessOptions = {}): CommerceHarness {
  const dataset = generateDataset(options.dataset);
  let shopify: ShopifyStandIn | undefined;
  let subgraph: RunningSubgraph | undefined;
  beforeAll(async () => {
    shopify = await startShopifyStandIn({ dataset, credential: TOKEN, throttle: options.throttle });
    if (!options.standInOnly) {
      subgraph = await startSubgraph(commerceSubgraph({ shopify: { baseUrl: shopify.url, credential: TOKEN, timeoutMs: options.timeoutMs ?? 5000 } }), TEST_LISTEN);
    }
  });
  afterAll(async () => {
    await subgraph?.close();
    await shopify?.close();
  });
  const running = <T>(value: T | undefined): T => {
    if (!value) throw new Error('The servers are not running yet.');
    return value;
  };
  return {
    dataset,
    get shopify() { return running(shopify); },
    get subgraph() { return running(subgraph); },
    gql: async (query, variables) => post(running(subgraph).url, await internalAuthHeader('commerce'), { query, variables }),
    admin: (query, variables, token = TOKEN) =>
      post(`${running(shopify).url}${GRAPHQL_PATH}`, token === null ? {} : { 'x-shopify-access-token': token }, { query, variables }),
  };
}
