/**
 * What the metrics learn about one HTTP request while it runs, carried implicitly (AsyncLocalStorage)
 * from the HTTP observer through Apollo's plugin hooks, and the metrics of the server handling it, so
 * that code deep below (upstream calls, caches) records into the right server's registry when several
 * servers share one process (tests) without threading a registry through every client.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SubgraphMetrics } from './subgraph-metrics.ts';

export interface RequestRecord {
  /** The operation's name once Apollo resolved it ("anonymous" without one); unset if it never ran. */
  operation?: string;
}

export interface MetricsScope {
  /** The server's metrics; absent in the gateway, whose upstreams are subgraphs. */
  metrics?: SubgraphMetrics;
  /** Set while an HTTP request is served. */
  request?: RequestRecord;
}

const scope = new AsyncLocalStorage<MetricsScope>();

/** Runs `work` (and everything it starts: timers, promises) inside `metricsScope`. */
export function withMetricsScope<T>(metricsScope: MetricsScope, work: () => T): T {
  return scope.run(metricsScope, work);
}

/** The current scope's metrics, or undefined outside any (a CLI, a unit test): then nothing is recorded. */
export const currentMetrics = (): SubgraphMetrics | undefined => scope.getStore()?.metrics;

/** The HTTP request being served, if any. */
export const currentRequest = (): RequestRecord | undefined => scope.getStore()?.request;
