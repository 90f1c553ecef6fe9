/**
 * Where the sync service tells the read subgraphs which records changed: the same CRM_SUBGRAPH_URL,
 * ERP_SUBGRAPH_URL and COMMERCE_SUBGRAPH_URL the gateway reaches them at (defaults: :4001-:4003, as
 * under npm start), without the /graphql; the gateways whose answer cache hears every change (GATEWAY_URL);
 * and how long one delivery may take (RECORD_INVALIDATION_TIMEOUT_MS).
 */
import { envInteger } from '../../shared/env-integer.ts';
import { DEFAULT_INVALIDATION_TIMEOUT_MS } from '../../shared/record-cache/config.ts';
import { SUBGRAPH_OF } from '../../shared/record-cache/http-invalidation.ts';
import { CACHED_SYSTEMS, type CachedSystem } from '../../shared/record-cache/record-keys.ts';

export interface RecordInvalidationConfig {
  /** Each owning subgraph's base URL. */
  targets: Record<CachedSystem, string>;
  /** GATEWAY_URL: the gateways (comma-separated base URLs) whose answer cache hears every change; none when unset. */
  gateways: string[];
  timeoutMs: number;
}

const DEFAULT_PORTS: Record<CachedSystem, number> = { CRM: 4001, ERP: 4002, COMMERCE: 4003 };

export function readRecordInvalidationConfig(env: NodeJS.ProcessEnv): RecordInvalidationConfig {
  const targets = Object.fromEntries(CACHED_SYSTEMS.map((system) => {
    const name = `${SUBGRAPH_OF[system].toUpperCase()}_SUBGRAPH_URL`;
    const url = env[name] || `http://127.0.0.1:${DEFAULT_PORTS[system]}/graphql`;
    if (!URL.canParse(url)) throw new Error(`${name} must be a URL: ${url}`);
    return [system, url.replace(/\/graphql\/?$/, '').replace(/\/+$/, '')];
  })) as Record<CachedSystem, string>;
  const gateways = (env.GATEWAY_URL ?? '').split(',').map((url) => url.trim()).filter(Boolean).map((url) => {
    if (!URL.canParse(url)) throw new Error(`GATEWAY_URL must be a comma-separated list of URLs: ${url}`);
    return url.replace(/\/graphql\/?$/, '').replace(/\/+$/, '');
  });
  return { targets, gateways, timeoutMs: envInteger(env, 'RECORD_INVALIDATION_TIMEOUT_MS', DEFAULT_INVALIDATION_TIMEOUT_MS, { min: 1, max: 10_000 }) };
}
