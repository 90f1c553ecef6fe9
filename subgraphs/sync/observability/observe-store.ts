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
    enqueueEvents(source, events, receivedAt) {
      const stored = store.enqueueEvents(source, events, receivedAt);
      metrics.webhookEvents('received', stored.accepted);
      metrics.webhookEvents('duplicate', stored.duplicates);
      return stored;
    },
    markEventDone(seq, outcome, processedAt) {
      store.markEventDone(seq, outcome, processedAt);
      metrics.webhookEvents(SETTLED[outcome]);
    },
    markEventRetry(seq, error, nextAttemptAt) {
      store.markEventRetry(seq, error, nextAttemptAt);
      metrics.webhookEvents('retried');
    },
    markEventFailed(seq, error, processedAt) {
      store.markEventFailed(seq, error, processedAt);
      metrics.webhookEvents('failed');
    },
    startRun(input) {
      const id = store.startRun(input);
      startedAt.set(id, performance.now());
      return id;
    },
    finishRun(id, status, stats, finishedAt) {
      store.finishRun(id, status, stats, finishedAt);
      const started = startedAt.get(id);
      startedAt.delete(id);
      metrics.reconcileRun(status, started === undefined ? 0 : (performance.now() - started) / 1000);
    },
    // Every way findings reach the store: one subject (webhook checks), a page of customers, a page of orders.
    recordFindings(subjectKey, scope, findings, now) {
      const recorded = store.recordFindings(subjectKey, scope, findings, now);
      for (const finding of findings) metrics.discrepancyFound(finding.kind);
      return recorded;
    },
    recordManyFindings(records, now) {
      const resolved = store.recordManyFindings(records, now);
      for (const finding of records.flatMap((record) => record.findings)) metrics.discrepancyFound(finding.kind);
      return resolved;
    },
    recordOrderChecks(checks, scope, now) {
      const opened = store.recordOrderChecks(checks, scope, now);
      for (const finding of checks.flatMap((check) => check.findings)) metrics.discrepancyFound(finding.kind);
      return opened;
    },
  };
}
