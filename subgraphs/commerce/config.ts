/** The commerce subgraph's settings: where Shopify is and with which token, and where to listen. */
import { readListenConfig, readUpstreamConfig, type SubgraphListenConfig } from '../shared/config.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { readRecordCacheConfig, type SubgraphRecordCacheConfig } from '../shared/record-cache/config.ts';

export interface CommerceConfig {
  shopify: UpstreamConfig;
  listen: SubgraphListenConfig;
  /** COMMERCE_RECORD_TTL_MS, RECORD_CACHE_MAX: shop customers read by stored gid, kept across requests (absent: none). */
  recordCache?: SubgraphRecordCacheConfig;
}

/** The embedded Shopify stand-in on loopback, with its development token. */
export const SHOPIFY_DEFAULTS: UpstreamConfig = { baseUrl: 'http://127.0.0.1:4103', credential: 'shpat_dev_standin', timeoutMs: 5000 };

/** `SHOPIFY_URL` (the shop's base URL, e.g. https://my-shop.myshopify.com), `SHOPIFY_TOKEN`, `SHOPIFY_TIMEOUT_MS`, `COMMERCE_PORT`, `HOST`, `COMMERCE_RECORD_TTL_MS`, `RECORD_CACHE_MAX`. */
export function readCommerceConfig(env: NodeJS.ProcessEnv): CommerceConfig {
  return { shopify: readUpstreamConfig(env, 'SHOPIFY', SHOPIFY_DEFAULTS), listen: readListenConfig(env, 'COMMERCE', 4003), recordCache: readRecordCacheConfig(env, 'COMMERCE') };
}
