/**
 * Wires the sync service's metrics: the scrape-time sources (outbox, breakers), version conflicts seen
 * in the subgraph's answers, and its readiness (the database answers a read).
 */
import type { SubgraphMetrics } from '../../shared/observability/subgraph-metrics.ts';
import type { SubgraphObservability } from '../../shared/observability/observe-subgraph.ts';
import type { SystemGates } from '../pacing/guard-adapters.ts';
import type { SyncStore } from '../store/types.ts';
import type { SyncMetrics } from './sync-metrics.ts';

export function syncObservability(metrics: SubgraphMetrics, sync: SyncMetrics, store: SyncStore, gates: SystemGates, now: () => number): SubgraphObservability {
  sync.collectFrom({
    outboxStats: () => store.outboxStats(now()),
    breakers: () => Object.fromEntries(Object.entries(gates).map(([system, gate]) => [system, gate.breaker()])),
  });
  return {
    metrics,
    // A read of the outbox: throws once the database is closed or unreadable.
    readiness: { database: async () => typeof await store.outboxStats(now()) === 'object' },
    onRequest: (request) => {
      for (const error of request.errors) if (error.code === 'VERSION_CONFLICT') sync.versionConflict('request');
    },
  };
}
