/**
 * The sync store with its metric-worthy writes counted on the way through: webhook events stored and
 * settled, reconciliation runs finished, discrepancies found. Everything else is the store itself.
 */
import type { InboxOutcome, SyncStore } from '../store/types.ts';
import type { SyncMetrics, WebhookEventResult } from './sync-metrics.ts';

const SETTLED: Record<InboxOutcome, WebhookEventResult> = { APPLIED: 'applied', STALE: 'stale', IGNORED: 'ignored' };

export function observeSyncStore(store: SyncStore, metrics: SyncMetrics): SyncStore {
  const startedAt = new Map<number, number>();
  return {
    ...store,
    async enqueueEvents(source, events, receivedAt) {
      const stored = await store.enqueueEvents(source, events, receivedAt);
      metrics.webhookEvents('received', stored.accepted);
      metrics.webhookEvents('duplicate', stored.duplicates);
      return stored;
    },
    async markEventDone(seq, outcome, processedAt) {
      await store.markEventDone(seq, outcome, processedAt);
      metrics.webhookEvents(SETTLED[outcome]);
    },
    async markEventRetry(seq, error, nextAttemptAt) {
      await store.markEventRetry(seq, error, nextAttemptAt);
      metrics.webhookEvents('retried');
    },
    async markEventFailed(seq, error, processedAt) {
      await store.markEventFailed(seq, error, processedAt);
      metrics.webhookEvents('failed');
    },
    async startRun(input) {
      const id = await store.startRun(input);
      startedAt.set(id, performance.now());
      return id;
    },
    async finishRun(id, status, stats, finishedAt) {
      await store.finishRun(id, status, stats, finishedAt);
      const started = startedAt.get(id);
      startedAt.delete(id);
      metrics.reconcileRun(status, started === undefined ? 0 : (performance.now() - started) / 1000);
    },
    // Every way findings reach the store: one subject (webhook checks), a page of customers, a page of orders.
    async recordFindings(subjectKey, scope, findings, now) {
      const recorded = await store.recordFindings(subjectKey, scope, findings, now);
      for (const finding of findings) metrics.discrepancyFound(finding.kind);
      return recorded;
    },
    async recordManyFindings(records, now) {
      const resolved = await store.recordManyFindings(records, now);
      for (const finding of records.flatMap((record) => record.findings)) metrics.discrepancyFound(finding.kind);
      return resolved;
    },
    async recordOrderChecks(checks, scope, now) {
      const opened = await store.recordOrderChecks(checks, scope, now);
      for (const finding of checks.flatMap((check) => check.findings)) metrics.discrepancyFound(finding.kind);
      return opened;
    },
  };
}
