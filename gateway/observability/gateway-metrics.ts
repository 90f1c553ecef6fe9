/**
 * The gateway's metrics, in its own registry: requests, latency and errors (as every server keeps
 * them), refusals by the limit that refused, authentication failures by reason, admission control's
 * bound and queue, and the process's default metrics.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { createRequestMetrics, type RequestMetrics } from '../../subgraphs/shared/observability/request-metrics.ts';
import type { AuthFailureReason } from '../auth/principal.ts';
import type { RefusalLimit } from './limit-refusal.ts';
import type { AdmissionState } from '../limits/admission/admission-control.ts';

export interface GatewayMetrics {
  readonly registry: Registry;
  readonly requests: RequestMetrics;
  /** `count` requests (1 unless the acceptor reports several connections at once) refused by `limit`. */
  refused(limit: RefusalLimit, count?: number): void;
  authFailed(reason: AuthFailureReason): void;
  /**
   * A lookup in one of the per-document caches (`document`: parsed and validated; `authorization`: rewritten), hit or missed;
   * `subgraph_in_flight`: a shareable subgraph read that joined an identical one in flight (hit) or was sent (miss).
   */
  cacheLookup(cache: 'document' | 'authorization' | 'subgraph_in_flight' | 'subgraph_answer', hit: boolean): void;
  /** Where the admission gauges read their figures at each scrape. */
  watchAdmission(state: () => AdmissionState): void;
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
    name: 'gateway_operation_cache_lookups_total', help: 'Lookups in the per-document caches (document: parsed and validated; authorization: rewritten for a scope set) of subgraph reads in flight (subgraph_in_flight) and of kept subgraph answers (subgraph_answer) by result.',
    labelNames: ['cache', 'result'], registers: [registry],
  });
  let admission: () => AdmissionState = () => ({ limit: 0, running: 0, waiting: 0 });
  new Gauge({
    name: 'gateway_admission_limit', help: 'Operations admission control lets run at once now (it adapts to how long operations take against their allowance).',
    registers: [registry], collect() { this.set(admission().limit); },
  });
  new Gauge({
    name: 'gateway_admission_operations', help: 'Operations admitted and running, and requests waiting for a slot.',
    labelNames: ['state'], registers: [registry],
    collect() {
      const { running, waiting } = admission();
      this.set({ state: 'running' }, running);
      this.set({ state: 'waiting' }, waiting);
    },
  });
  return {
    registry,
    requests: createRequestMetrics(registry, 'gateway'),
    refused: (limit, count = 1) => refusals.inc({ limit }, count),
    authFailed: (reason) => authFailures.inc({ reason }),
    cacheLookup: (cache, hit) => cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' }),
    watchAdmission: (state) => { admission = state; },
  };
}
