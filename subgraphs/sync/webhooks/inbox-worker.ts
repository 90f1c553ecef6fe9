/**
 * The inbox worker: processes the webhook events the receivers stored, after they were acknowledged.
 * Same shape as the outbox worker (start / stop / drain): one tick at a time; a tick takes the due
 * events (at most one per record, the oldest by occurredAt: see dueEvents), processes them side by
 * side, and repeats until nothing is due. `wake` starts a tick now, so a webhook's work begins at once
 * instead of at the next interval.
 *
 * Before processing, an event older than the newest change already applied to its record is marked
 * STALE and has no effect: an older event never overwrites newer data. A transient failure
 * (UPSTREAM_UNAVAILABLE) is retried with exponential backoff and full jitter; any other error FAILS
 * the event with its message. At least once: an event processed when the process died is processed
 * again after the restart, so `process` must be safe to repeat (propagation re-reads and writes only
 * what differs).
 */
import type { InboxEvent, InboxOutcome, InboxStore, ReconcileStore } from '../store/types.ts';
import { retryDelayMs, startTicker } from '../ticker.ts';
import { failureCode, failureSystem, recordFailure } from '../failures.ts';
import { isTransient } from '../writes/snapshot.ts';

export interface InboxWorkerOptions {
  /** The inbox, and where failures are kept for monitoring. */
  store: InboxStore & Pick<ReconcileStore, 'recordFailure'>;
  /** Carries out the event; returns APPLIED or IGNORED. Not called for a STALE event. */
  process(event: InboxEvent): Promise<Exclude<InboxOutcome, 'STALE'>>;
  intervalMs: number;
  /** Retry n (from 0) waits min(maxMs, baseMs * 2^n) * random(), and at least MIN_RETRY_DELAY_MS. */
  backoff: { baseMs: number; maxMs: number };
  /** Events taken at once. Default 16. */
  batchSize?: number;
  now?: () => number;
  random?: () => number;
  /** The store failed in a tick (the events stay PENDING and are tried again). Messages only, never payloads. */
  onTickFailed?: (message: string) => void;
}

export interface InboxWorker {
  /** Runs a tick soon (after the current one, if any). */
  wake(): void;
  /** Stops scheduling ticks and waits for the one in flight. */
  stop(): Promise<void>;
  /** Runs ticks until nothing is due now (for tests); rejects if the store fails. */
  drain(): Promise<void>;
}

export function startInboxWorker(options: InboxWorkerOptions): InboxWorker {
  const { store, process, intervalMs, backoff, batchSize = 16, now = Date.now, random = Math.random } = options;
  if (!(intervalMs > 0)) throw new Error(`intervalMs must be a positive number: ${intervalMs}`);

  async function settle(event: InboxEvent): Promise<void> {
    const upTo = await store.appliedUpTo(event.source, event.objectType, event.objectId);
    if (upTo !== null && event.occurredAt < upTo) return store.markEventDone(event.seq, 'STALE', now());
    let outcome: InboxOutcome;
    try {
      outcome = await process(event);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // Once per event, and under the system that failed (processing a shop event reads the CRM and the ERP too).
      if (event.attempts === 0) await recordFailure(store, now(), failureSystem(err, event.source === 'HUBSPOT' ? 'CRM' : 'COMMERCE'), 'INBOX', failureCode(err));
      if (isTransient(err)) {
        return store.markEventRetry(event.seq, message, now() + retryDelayMs(backoff, event.attempts, random));
      }
      return store.markEventFailed(event.seq, message, now());
    }
    await store.markEventDone(event.seq, outcome, now());
  }

  async function tick(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const due = await store.dueEvents(now(), batchSize);
      if (due.length === 0) return;
      const failure = (await Promise.allSettled(due.map(settle))).find((r) => r.status === 'rejected');
      if (failure) throw failure.reason;
    }
  }

  return startTicker(intervalMs, tick, (err) => options.onTickFailed?.(err instanceof Error ? err.message : String(err)));
}
