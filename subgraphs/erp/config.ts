/** The ERP subgraph's settings, read once from the environment by main.ts (or the stack launcher). */
import { readListenConfig, readUpstreamConfig, type SubgraphListenConfig } from '../shared/config.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { envInteger } from '../shared/env-integer.ts';
import { readRecordCacheConfig, type SubgraphRecordCacheConfig } from '../shared/record-cache/config.ts';

export interface OdooConfig extends UpstreamConfig {
  /** Sent as X-Odoo-Database; Odoo needs it when one server hosts several databases. */
  database: string;
}

export interface ErpConfig {
  /** ODOO_URL, ODOO_TOKEN (an API key), ODOO_DB, ODOO_TIMEOUT_MS. */
  odoo: OdooConfig;
  /**
   * ODOO_REFERENCE_TTL_MS (default 60000): how long the company currency and the rate table, which are
   * the same for every caller, are reused across requests. 0 reads them once per request instead.
   */
  referenceTtlMs: number;
  /** ERP_RECORD_TTL_MS, RECORD_CACHE_MAX: partners read by stored id, kept across requests (absent: none). */
  recordCache?: SubgraphRecordCacheConfig;
  /** ERP_PORT (default 4002), HOST (default 127.0.0.1). */
  listen: SubgraphListenConfig;
}

/** Defaults point at the embedded Odoo stand-in on loopback with its dev API key. */
export function readErpConfig(env: NodeJS.ProcessEnv): ErpConfig {
  const ttl = envInteger(env, 'ODOO_REFERENCE_TTL_MS', 60_000, { min: 0 });
  const database = env.ODOO_DB ?? 'standin';
  if (!database.trim()) throw new Error('ODOO_DB must not be empty.');
  return {
    odoo: {
      ...readUpstreamConfig(env, 'ODOO', { baseUrl: 'http://127.0.0.1:4102', credential: 'odoo-dev-api-key', timeoutMs: 5000 }),
      database,
    },
    referenceTtlMs: ttl,
    recordCache: readRecordCacheConfig(env, 'ERP'),
    listen: readListenConfig(env, 'ERP', 4002),
  };
}
