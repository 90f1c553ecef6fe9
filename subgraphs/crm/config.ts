/** The crm subgraph's settings: where HubSpot is and with which token, and where to listen. */
import { readListenConfig, readUpstreamConfig, type SubgraphListenConfig } from '../shared/config.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { readRecordCacheConfig, type SubgraphRecordCacheConfig } from '../shared/record-cache/config.ts';

export interface CrmConfig {
  hubspot: UpstreamConfig;
  listen: SubgraphListenConfig;
  /** CRM_RECORD_TTL_MS, RECORD_CACHE_MAX: contacts kept across requests (absent: none). */
  recordCache?: SubgraphRecordCacheConfig;
}

/** The embedded HubSpot stand-in on loopback, with its development token. */
export const HUBSPOT_DEFAULTS: UpstreamConfig = { baseUrl: 'http://127.0.0.1:4101', credential: 'pat-dev-hubspot-standin', timeoutMs: 5000 };

/** `HUBSPOT_URL`, `HUBSPOT_TOKEN`, `HUBSPOT_TIMEOUT_MS`, `CRM_PORT`, `HOST`, `CRM_RECORD_TTL_MS`, `RECORD_CACHE_MAX`. */
export function readCrmConfig(env: NodeJS.ProcessEnv): CrmConfig {
  return { hubspot: readUpstreamConfig(env, 'HUBSPOT', HUBSPOT_DEFAULTS), listen: readListenConfig(env, 'CRM', 4001), recordCache: readRecordCacheConfig(env, 'CRM') };
}
