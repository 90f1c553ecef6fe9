/**
 * The outbox worker: applies the PENDING writes that a request left behind (its system was down, or an
 * earlier write to the same record was still queued, or the process died mid-request), until each is
 * APPLIED or FAILED. The retry policy is pacing/classify.ts: an outage (unreachable, timeout, 5xx) is
 * retried with exponential backoff and full jitter; a throttle waits for its system's pace (the shop's
 * cost bucket, a Retry-After), not a timer of its own; a refusal (4xx, validation) FAILS the entry at
 * once with its message.
 *
 * One tick at a time. A tick takes the due entries (at most one per record: see dueEntries) of the
 * systems whose gate is ready (breaker not OPEN, pace allows; at most `concurrency()` per system),
 * applies them concurrently, and repeats until nothing is due, so the writes to one record go out one
 * after the other in the order they were accepted. A system that is not ready is skipped as a whole.
 *
 * Delivery is at least once: if the process dies after an upstream write and before markApplied, the
 * entry is applied again after the restart, so `apply` must be safe to repeat (the adapters' update
 * writes values, and their create looks for the record first).
 */
import type { OutboxEntry, OutboxStore, WriteSystem } from '../store/types.ts';
import { MIN_RETRY_DELAY_MS, retryDelayMs, startTicker } from '../ticker.ts';
import { errorCode } from '../failures.ts';
import { classifyFailure, retryAfterMs } from '../pacing/classify.ts';
import type { SystemGates } from '../pacing/guard-adapters.ts';

export { MIN_RETRY_DELAY_MS } from '../ticker.ts';

const SYSTEMS: WriteSystem[] = ['CRM', 'ERP', 'COMMERCE'];

export interface OutboxWorkerOptions {
  store: OutboxStore;
  /** Writes the entry upstream; what it returns is kept on the entry (markApplied). */
  apply(entry: OutboxEntry): Promise<unknown>;
  /** Pause between ticks. */
  intervalMs: number;
  /** Retry n (from 0) waits min(maxMs, baseMs * 2^n) * random(), and at least MIN_RETRY_DELAY_MS. */
  backoff: { baseMs: number; maxMs: number };
  /**
   * How often the worker completes the intents left OPEN with nothing pending by a process that died
   * between settling their last entry and completing them (completeSettledIntents). Default 60 s.
   */
  sweepMs?: number;
  /** Entries taken from the store at once. Default 32. */
  batchSize?: number;
  /** Per system: whether and how much it may be sent now; absent: every system always, as many as due. */
  gates?: SystemGates;
  now?: () => number;
  random?: () => number;
  /** For logs and metrics. Events carry ids, systems and codes, never values or messages (personal data). */
  onEvent?: (event: OutboxEvent) => void;
}

interface EntryEvent {
  entryId: string;
  intentId: string;
  system: WriteSystem;
  /** Attempts including this one. */
  attempts: number;
}

export type OutboxEvent =
  | ({ type: 'applied' } & EntryEvent)
  | ({ type: 'retry'; delayMs: number; throttled: boolean } & EntryEvent)
  | ({ type: 'failed'; code: string | null } & EntryEvent)
  | { type: 'intent-done'; intentId: string }
  /** The store failed (the entries stay PENDING and are tried again next tick). */
  | { type: 'tick-failed'; message: string };

export interface OutboxWorker {
  /** Runs a tick soon (after the current one, if any): new work was announced. */
  wake(): void;
  /** Stops scheduling ticks and waits for the one in flight. */
  stop(): Promise<void>;
  /** Runs ticks until nothing is due now (for tests); rejects if the store fails. */
  drain(): Promise<void>;
}

/** Starts ticking at once (entries left by a previous process are due), then every `intervalMs` after a tick. */
export function startOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const { store, apply, intervalMs, backoff, batchSize = 32, sweepMs = 60_000, now = Date.now, random = Math.random } = options;
  positive('intervalMs', intervalMs);
  positive('backoff.baseMs', backoff.baseMs);
  positive('backoff.maxMs', backoff.maxMs);
  positive('batchSize', batchSize);

  const emit = (event: OutboxEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A hook that throws (a broken logger) must not stop the outbox.
    }
  };

  /** Applies the entry and records the outcome; returns its intent when the entry is settled for good. */
  async function settle(entry: OutboxEntry): Promise<string | null> {
    const base = { entryId: entry.id, intentId: entry.intentId, system: entry.system, attempts: entry.attempts + 1 };
    let result: unknown;
    try {
      result = await apply(entry);
    } catch (err) {
      const kind = classifyFailure(err);
      if (kind !== 'final') {
        const delayMs = kind === 'throttled' ? throttleDelayMs(entry, err) : retryDelayMs(backoff, entry.attempts, random);
        await store.markRetry(entry.id, messageOf(err), now() + delayMs);
        emit({ type: 'retry', delayMs, throttled: kind === 'throttled', ...base });
        return null;
      }
      await store.markFailed(entry.id, messageOf(err));
      emit({ type: 'failed', code: errorCode(err), ...base });
      return entry.intentId;
    }
    await store.markApplied(entry.id, result);
    emit({ type: 'applied', ...base });
    return entry.intentId;
  }

  /** A throttled write waits for its system's pace (the whole system's, not a timer of its own), with a little jitter. */
  function throttleDelayMs(entry: OutboxEntry, err: unknown): number {
    const systemWait = Math.max(0, (options.gates?.[entry.system].readyAt() ?? 0) - now(), retryAfterMs(err) ?? 0);
    return Math.max(MIN_RETRY_DELAY_MS, systemWait + backoff.baseMs * random());
  }

  async function finish(intentId: string): Promise<void> {
    if (await store.completeIntentIfDone(intentId)) emit({ type: 'intent-done', intentId });
  }

  let sweptAt = -Infinity;
  async function sweep(): Promise<void> {
    if (now() - sweptAt < sweepMs) return;
    sweptAt = now();
    for (const intentId of await store.completeSettledIntents(sweptAt)) emit({ type: 'intent-done', intentId });
  }

  /** Ticks until nothing is due; returns how soon a skipped system will be ready (ms), if one was skipped. */
  async function tick(stopped: () => boolean): Promise<number | void> {
    await sweep();
    while (!stopped()) {
      const at = now();
      const waiting = SYSTEMS.filter((system) => (options.gates?.[system].readyAt() ?? 0) > at);
      // At most `concurrency()` per system; the store leaves the rest (unclaimed) for the next round or another replica.
      const perSystem = options.gates && Object.fromEntries(SYSTEMS.map((system) => [system, options.gates![system].concurrency()]));
      const due = await store.dueEntries(at, batchSize, waiting, perSystem);
      if (due.length === 0) return waiting.length ? Math.min(...waiting.map((s) => options.gates![s].readyAt() - at)) : undefined;
      // allSettled: the tick must not end while some of its writes are still in flight.
      const outcomes = await Promise.allSettled(due.map(settle));
      // Once per intent, after its entries of this batch are settled: two finishing side by side would both see it DONE.
      const settledIntents = new Set(outcomes.flatMap((r) => (r.status === 'fulfilled' && r.value !== null ? [r.value] : [])));
      for (const intentId of settledIntents) await finish(intentId);
      const failure = outcomes.find((r) => r.status === 'rejected');
      if (failure) throw failure.reason;
    }
  }

  const { wake, stop, drain } = startTicker(intervalMs, tick, (err) => emit({ type: 'tick-failed', message: messageOf(err) }));
  return { wake, stop, drain };
}

function positive(name: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} must be a positive number: ${value}`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
