/**
 * The audit log over either database: records are written in batches, one transaction every
 * `flushIntervalMs`, off the request path; a crash loses at most the records of the last interval, and
 * close() writes what is pending. With an interval of 0 each record is written before record() resolves,
 * so before the response that caused it is sent; records made while a write is under way go together in
 * the next one. One write at a time, in order.
 */
import type { AuditEvent, AuditLog, AuditRecord, AuditStore } from './audit-log.ts';

/** Pending records written at once, whatever the interval: bounds the memory a burst holds. */
const MAX_PENDING = 1_000;
/** The soonest a batch that could not be written is tried again (an interval of 0 must not retry in a busy loop). */
const MIN_RETRY_MS = 1_000;

export interface AuditBatching {
  /** How long a record may wait to be written with others; 0 writes each at once. */
  flushIntervalMs: number;
  /** A batch that could not be written (it is kept and tried again after the next interval). */
  onError(err: unknown): void;
}

export const WRITE_AT_ONCE: AuditBatching = { flushIntervalMs: 0, onError: () => {} };

export function batchedAuditLog(store: AuditStore, now: () => number = Date.now, batching: AuditBatching = WRITE_AT_ONCE): AuditLog {
  let pending: AuditRecord[] = [];
  let timer: NodeJS.Timeout | undefined;
  /** The last write, settled: each flush waits for the one before it. */
  let writing: Promise<void> = Promise.resolve();

  /** Resolves once every record pending now is written (or rejects, and they stay pending). */
  const flush = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    const written = writing.then(async () => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      try {
        await store.write(batch);
      } catch (err) {
        pending = batch.concat(pending);
        schedule(Math.max(batching.flushIntervalMs, MIN_RETRY_MS));
        throw err;
      }
    });
    writing = written.catch(() => undefined);
    return written;
  };
  const schedule = (ms: number) => {
    // Unref'd: pending records never keep a process alive; close() writes them.
    timer ??= setTimeout(() => flush().catch(batching.onError), ms).unref();
  };

  return {
    record: async (event) => {
      pending.push(recordOf(event, now()));
      if (batching.flushIntervalMs === 0 || pending.length >= MAX_PENDING) await flush();
      else schedule(batching.flushIntervalMs);
    },
    bySubject: async (subject, limit = 100) => {
      await flush();
      return store.bySubject(subject, limit);
    },
    byCustomer: async (customerId, limit = 100) => {
      await flush();
      return store.byCustomer(customerId, limit);
    },
    pruneBefore: async (before, limit) => {
      await flush();
      return store.pruneBefore(before, limit);
    },
    close: async () => {
      try {
        await flush();
      } finally {
        clearTimeout(timer);
        await store.close();
      }
    },
  };
}

/** The record as stored: the time it was made (not written), its fields sorted and each once, its customers each once. */
function recordOf(event: AuditEvent, at: number): AuditRecord {
  return {
    at: new Date(at).toISOString(),
    requestId: event.requestId,
    subject: event.principal.subject,
    clientId: event.principal.clientId,
    fields: [...new Set(event.fields)].sort(),
    customerIds: [...new Set(event.customerIds)],
  };
}
