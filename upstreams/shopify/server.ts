/**
 * The Shopify stand-in: the Admin GraphQL API (version 2025-10) at one endpoint, authenticated by
 * the X-Shopify-Access-Token header, over its own copy of the dataset's shop; with `webhooks` set it
 * sends Shopify's webhooks for every write made through its API.
 */
import type { Dataset } from '../dataset/types.ts';
import { startStandIn, type StandIn, type StandInRequest } from '../shared/standin.ts';
import { buildAdminSchema } from './schema.ts';
import { createShopifyStore, type ShopifyStore } from './store.ts';
import { createThrottle, type ThrottleOptions } from './cost.ts';
import { executeAdminRequest, preparedDocuments } from './execute.ts';
import { createWebhookSender, webhookAdminRoutes, type WebhookControls } from '../shared/webhooks.ts';
import { shopifyNotifier, type ShopifyWebhookOptions } from './webhooks.ts';

const SHOPIFY_API_VERSION = '2025-10';
export const GRAPHQL_PATH = `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;

export interface ShopifyStandInOptions {
  dataset: Dataset;
  /** The Admin API access token the stand-in accepts. */
  credential: string;
  port?: number;
  host?: string;
  /** The query-cost bucket; defaults to Shopify Plus figures (2000 points, 100 per second). */
  throttle?: ThrottleOptions;
  /** The clock used for write markers and the bucket; tests may fix it. */
  clock?: () => number;
  /** Where to send webhooks, signed with the app's webhook secret; absent: none are sent. */
  webhooks?: ShopifyWebhookOptions;
}

export interface ShopifyStandIn extends StandIn, WebhookControls {
  store: ShopifyStore;
  /** Executions per root field since the last reset, e.g. { nodes: 2, customers: 1 }. */
  rootFieldCounters(): Record<string, number>;
}

const DEFAULT_THROTTLE: ThrottleOptions = { maximumAvailable: 2000, restoreRate: 100 };

/** Shopify's refusal of a missing or wrong token: a 401 whose `errors` is a string, not a list. */
const UNAUTHORIZED = { status: 401, body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' } };

export async function startShopifyStandIn(options: ShopifyStandInOptions): Promise<ShopifyStandIn> {
  const sender = createWebhookSender(options.webhooks);
  const store = createShopifyStore(options.dataset.shopify, options.clock, shopifyNotifier(sender, options.webhooks, options.clock ?? Date.now));
  const rootFields = new Map<string, number>();
  const executor = {
    schema: buildAdminSchema(),
    store,
    throttle: createThrottle(options.throttle ?? DEFAULT_THROTTLE, options.clock),
    countRootField: (name: string) => rootFields.set(name, (rootFields.get(name) ?? 0) + 1),
    prepared: preparedDocuments(),
  };

  const standIn = await startStandIn({
    name: 'shopify',
    port: options.port,
    host: options.host,
    authenticate: (req: StandInRequest) => (req.headers['x-shopify-access-token'] === options.credential ? null : UNAUTHORIZED),
    route: async (req) => {
      const endpoint = `${req.method} ${req.url.pathname}`;
      if (req.method !== 'POST' || req.url.pathname !== GRAPHQL_PATH) return { endpoint, response: { status: 404, body: { errors: 'Not Found' } } };
      return { endpoint, response: await executeAdminRequest(executor, req.body) };
    },
    adminRoutes: webhookAdminRoutes(sender),
  });

  return {
    ...standIn,
    store,
    rootFieldCounters: () => Object.fromEntries(rootFields),
    resetCounters: () => {
      standIn.resetCounters();
      rootFields.clear();
    },
    setWebhooksEnabled: sender.setWebhooksEnabled,
    deliveries: sender.deliveries,
    redeliver: sender.redeliver,
    webhooksSettled: sender.webhooksSettled,
    close: () => {
      sender.close();
      return standIn.close();
    },
  };
}
