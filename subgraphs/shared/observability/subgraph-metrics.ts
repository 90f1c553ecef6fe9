/**
 * One subgraph's metrics, in its own registry (tests run several servers in one process: the global
 * default registry would collide): the request metrics, upstream calls and cache lookups, and the
 * process's default metrics. The sync subgraph adds its own (subgraphs/sync/observability/).
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { createRequestMetrics, LATENCY_BUCKETS, type RequestMetrics } from './request-metrics.ts';
import { boundedLabel } from './bounded-label.ts';

export interface SubgraphMetrics {
  readonly name: string;
  readonly registry: Registry;
  readonly requests: RequestMetrics;
  /** One call to an upstream system: its status ("timeout", "unreachable" when none came back). */
  upstreamCall(call: { system: string; operation: string; status: string; seconds: number }): void;
  /** One lookup in a shared cache (e.g. "mastodon_acct", "odoo_reference"). */
  cacheLookup(cache: string, hit: boolean): void;
  /** One NOTIFY sent to the other replicas, or one notification heard, on a topic (records, work). */
  replicaNotification(topic: string, direction: 'sent' | 'received'): void;
  /** The LISTEN connection failed or dropped (once per outage). */
  listenFailure(): void;
}

/** Distinct upstream operations kept per system before the rest count as "other". */
const MAX_UPSTREAM_OPERATIONS = 50;

export function createSubgraphMetrics(name: string): SubgraphMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ subgraph: name });
  collectDefaultMetrics({ register: registry });
  const upstreamCalls = new Counter({
    name: 'subgraph_upstream_requests_total', help: 'Calls to upstream systems by system, operation and HTTP status (or timeout, unreachable).',
    labelNames: ['system', 'operation', 'status'], registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: 'subgraph_upstream_request_duration_seconds', help: 'Time an upstream call took, answer or not, by system and operation.',
    labelNames: ['system', 'operation'], buckets: LATENCY_BUCKETS, registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'subgraph_cache_lookups_total', help: 'Lookups in shared caches by cache and result (hit, miss).',
    labelNames: ['cache', 'result'], registers: [registry],
  });
  const replicaNotifications = new Counter({
    name: 'subgraph_replica_notifications_total', help: 'PostgreSQL notifications to and from the other replicas, by topic and direction (sent, received).',
    labelNames: ['topic', 'direction'], registers: [registry],
  });
  const listenFailures = new Counter({
    name: 'subgraph_replica_listen_failures_total', help: 'Outages of the connection listening for the other replicas\' notifications.', registers: [registry],
  });
  const operationLabels = new Map<string, (value: string) => string>();
  const operationLabel = (system: string, operation: string) => {
    if (!operationLabels.has(system)) operationLabels.set(system, boundedLabel(MAX_UPSTREAM_OPERATIONS));
    return operationLabels.get(system)!(operation);
  };
  return {
    name,
    registry,
    requests: createRequestMetrics(registry, 'subgraph'),
    upstreamCall({ system, operation, status, seconds }) {
      const op = operationLabel(system, operation);
      upstreamCalls.inc({ system, operation: op, status });
      upstreamDuration.observe({ system, operation: op }, seconds);
    },
    cacheLookup(cache, hit) {
      cacheLookups.inc({ cache, result: hit ? 'hit' : 'miss' });
    },
    replicaNotification(topic, direction) {
      replicaNotifications.inc({ topic, direction });
    },
    listenFailure() {
      listenFailures.inc();
    },
  };
}
