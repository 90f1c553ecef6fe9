/**
 * The gateway's metrics, in its own registry: requests, latency and errors (as every server keeps
 * them), refusals by the limit that refused, authentication failures by reason, and the process's
 * default metrics.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import { createRequestMetrics, type RequestMetrics } from '../../subgraphs/shared/observability/request-metrics.ts';
import type { AuthFailureReason } from '../auth/principal.ts';
import type { RefusalLimit } from './limit-refusal.ts';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: RequestMetrics;
  refused(limit: RefusalLimit): void;
  authFailed(reason: AuthFailureReason): void;
  /**
   * A lookup in one of the per-document caches (`document`: parsed and validated; `authorization`: rewritten), hit or missed;
   * `subgraph_in_flight`: a shareable subgraph read that joined an identical one in flight (hit) or was sent (miss).
   */
  cacheLookup(cache: 'document' | 'authorization' | 'subgraph_in_flight', hit: boolean): void;
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const refusals = new Counter({
    name: 'gateway_refusals_total', help: "Requests the front door refused by the limit they exceeded (depth, aliases, cost, budget, …).",
    labelNames: ['limit'], registers: [registry],
  });
  const authFailures = new Counter({
    name: 'gateway_auth_failures_total', help: 'Requests refused with 401 by the reason the token was not accepted.',
    labelNames: ['reason'], registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'gateway_operation_cache_lookups_total', help: 'Lookups in the per-document caches (document: parsed and validated; authorization: rewritten for a scope set) and of subgraph reads in flight (subgraph_in_flight) by result.',
    labelNames: ['cache', 'result'], registers: [registry],
  });
  return {
    registry,
    requests: createRequestMetrics(registry, 'gateway'),
    refused: (limit) => refusals.inc({ limit }),
    authFailed: (reason) => authFailures.inc({ reason }),
    cacheLookup: (cache, hit) => cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }),
  };
}
