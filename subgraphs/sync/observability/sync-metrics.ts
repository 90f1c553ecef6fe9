/**
 * The sync subgraph's own metrics, beside the ones every subgraph keeps: the outbox's depth and the age
 * of its oldest pending write and each circuit breaker's state (read from the store and the gates when
 * scraped), version conflicts, webhook deliveries and events by result, and reconciliation passes.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { DiscrepancyKind, OutboxStats, RunStatus, WebhookSource } from '../store/types.ts';
import type { BreakerState } from '../pacing/breaker.ts';

/** Where a version conflict was found: refusing a request's write, or the outbox finding the record changed. */
export type ConflictSource = 'request' | 'outbox';

/** What became of a webhook event: stored (received, duplicate), then processed (applied, stale, ignored), retried or failed. */
export type WebhookEventResult = 'received' | 'duplicate' | 'applied' | 'stale' | 'ignored' | 'retried' | 'failed';

/** What the receiver answered a delivery: 200 accepted, 401 bad signature, 400 malformed, else refused. */
export type DeliveryResult = 'accepted' | 'bad_signature' | 'malformed' | 'refused';

/** What became of one delivery of changed record keys to a read subgraph's cache. */
export type InvalidationResult = 'delivered' | 'failed';

export interface SyncMetrics {
  versionConflict(source: ConflictSource): void;
  webhookDelivery(source: WebhookSource, result: DeliveryResult): void;
  webhookEvents(result: WebhookEventResult, count?: number): void;
  reconcileRun(status: Exclude<RunStatus, 'RUNNING'>, seconds: number): void;
  discrepancyFound(kind: DiscrepancyKind): void;
  recordInvalidation(system: string, result: InvalidationResult): void;
  /** Where the scrape-time gauges read from; until then they are empty. */
  collectFrom(sources: { outboxStats: () => Promise<OutboxStats>; breakers: () => Record<string, BreakerState> }): void;
}

const BREAKER_STATES: BreakerState[] = ['CLOSED', 'OPEN', 'HALF_OPEN'];

/** Seconds: a pass over a quiet feed (well under a second) to a full catch-up (minutes). */
const PASS_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900];

export function createSyncMetrics(registry: Registry): SyncMetrics {
  const registers = [registry];
  let sources: Parameters<SyncMetrics['collectFrom']>[0] | null = null;
  new Gauge({
    name: 'sync_outbox_pending', help: 'Outbox writes still PENDING, per system.', labelNames: ['system'], registers,
    async collect() {
      for (const [system, stats] of Object.entries(await sources?.outboxStats() ?? {})) this.set({ system }, stats.pending);
    },
  });
  new Gauge({
    name: 'sync_outbox_oldest_pending_age_seconds', help: 'Age of the oldest PENDING outbox write per system (0 when none).',
    labelNames: ['system'], registers,
    async collect() {
      for (const [system, stats] of Object.entries(await sources?.outboxStats() ?? {})) this.set({ system }, (stats.oldestPendingAgeMs ?? 0) / 1000);
    },
  });
  new Gauge({
    name: 'sync_breaker_state', help: 'Each system\'s circuit breaker: 1 for its current state (CLOSED, OPEN, HALF_OPEN), 0 for the others.',
    labelNames: ['system', 'state'], registers,
    collect() {
      if (!sources) return;
      for (const [system, current] of Object.entries(sources.breakers())) {
        for (const state of BREAKER_STATES) this.set({ system, state }, state === current ? 1 : 0);
      }
    },
  });
  const conflicts = new Counter({ name: 'sync_version_conflicts_total', help: 'Writes refused with VERSION_CONFLICT, by where (request, outbox).', labelNames: ['source'], registers });
  const deliveries = new Counter({ name: 'sync_webhook_deliveries_total', help: 'Webhook deliveries by sender and what the receiver answered (accepted, bad_signature, malformed, refused).', labelNames: ['source', 'result'], registers });
  const events = new Counter({ name: 'sync_webhook_events_total', help: 'Webhook events by result: received, duplicate, then applied, stale, ignored, retried or failed.', labelNames: ['result'], registers });
  const runs = new Counter({ name: 'sync_reconcile_runs_total', help: 'Reconciliation passes finished, by status (DONE, FAILED, INTERRUPTED).', labelNames: ['status'], registers });
  const runDuration = new Histogram({ name: 'sync_reconcile_duration_seconds', help: 'How long reconciliation passes took.', buckets: PASS_BUCKETS, registers });
  const discrepancies = new Counter({ name: 'sync_reconcile_discrepancies_total', help: 'Discrepancies found by reconciliation and webhook checks, by kind.', labelNames: ['kind'], registers });
  const invalidations = new Counter({ name: 'sync_record_invalidations_total', help: 'Deliveries of changed record keys to the read subgraphs\' record caches, by system and result (delivered, failed).', labelNames: ['system', 'result'], registers });
  return {
    versionConflict: (source) => conflicts.inc({ source }),
    webhookDelivery: (source, result) => deliveries.inc({ source, result }),
    webhookEvents: (result, count = 1) => { if (count > 0) events.inc({ result }, count); },
    reconcileRun: (status, seconds) => {
      runs.inc({ status });
      runDuration.observe(seconds);
    },
    discrepancyFound: (kind) => discrepancies.inc({ kind }),
    recordInvalidation: (system, result) => invalidations.inc({ system, result }),
    collectFrom: (given) => { sources = given; },
  };
}
