/** Internal to the SQLite store: the outbox half of SyncStore (intents and their entries). */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { toEntry, toIntent, toJson, type IntentRow, type OutboxRow } from '../rows.ts';
import type { IntentAnswer, IntentInput, OutboxStats, OutboxStore, PlannedWrite, WriteSystem } from '../types.ts';
import type { Synchronous } from './synchronous.ts';

const SYSTEMS: WriteSystem[] = ['CRM', 'ERP', 'COMMERCE'];

/** The earliest PENDING entry of each record, due, of a released intent. */
const DUE = `
  SELECT o.* FROM outbox o JOIN intents i ON i.id = o.intent_id
  WHERE o.status = 'PENDING' AND o.next_attempt_at <= ? AND i.held_by IS NULL
    AND o.system NOT IN (SELECT value FROM json_each(?))
    AND o.seq = (SELECT MIN(p.seq) FROM outbox p
                 WHERE p.status = 'PENDING' AND p.system = o.system AND p.record_key = o.record_key)
  ORDER BY o.seq LIMIT ?`;

/** The outbox on `db`; `instanceId` marks the intents this process holds. */
export function sqliteOutbox(db: Database.Database, now: () => number, instanceId: string): Synchronous<OutboxStore> {
  const sql = {
    insertIntent: db.prepare(`INSERT INTO intents (id, kind, subject_key, request, status, held_by, created_at)
      VALUES (?, ?, ?, ?, 'OPEN', ?, ?) RETURNING *`),
    insertEntry: db.prepare(`INSERT INTO outbox (id, intent_id, system, record_key, operation, status, next_attempt_at, created_at)
      VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?) RETURNING *`),
    release: db.prepare('UPDATE intents SET held_by = NULL WHERE id = ?'),
    applied: db.prepare(`UPDATE outbox SET status = 'APPLIED', attempts = attempts + 1, result = ? WHERE id = ? AND status = 'PENDING'`),
    retry: db.prepare(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ? AND status = 'PENDING'`),
    failed: db.prepare(`UPDATE outbox SET status = 'FAILED', attempts = attempts + 1, last_error = ? WHERE id = ? AND status = 'PENDING'`),
    cancel: db.prepare(`UPDATE outbox SET status = 'CANCELLED' WHERE intent_id = ? AND status = 'PENDING'`),
    pendingOfIntent: db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE intent_id = ? AND status = 'PENDING'`).pluck(),
    complete: db.prepare(`UPDATE intents SET status = 'DONE', held_by = NULL, completed_at = coalesce(completed_at, ?) WHERE id = ?`),
    intent: db.prepare('SELECT * FROM intents WHERE id = ?'),
    entries: db.prepare('SELECT * FROM outbox WHERE intent_id = ? ORDER BY seq'),
    entryStatus: db.prepare('SELECT status FROM outbox WHERE id = ?').pluck(),
    due: db.prepare(DUE),
    pendingBefore: db.prepare(`SELECT 1 FROM outbox WHERE status = 'PENDING' AND system = ? AND record_key = ? AND seq < ? LIMIT 1`).pluck(),
    keepAnswer: db.prepare(`UPDATE idempotency_keys SET response = ? WHERE key = ? AND state = 'IN_PROGRESS'`),
    completeSettled: db.prepare(`UPDATE intents SET status = 'DONE', completed_at = ?
      WHERE status = 'OPEN' AND held_by IS NULL AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.intent_id = intents.id AND o.status = 'PENDING')
      RETURNING id`).pluck(),
    stats: db.prepare(`SELECT system, COUNT(*) AS pending, MIN(created_at) AS oldest FROM outbox WHERE status = 'PENDING' GROUP BY system`),
  };

  /** A settle that matched no PENDING entry is a bug in the caller (e.g. applying an entry twice): say so loudly. */
  const settled = (changes: number, entryId: string): void => {
    if (changes === 1) return;
    const status = sql.entryStatus.get(entryId) as string | undefined;
    throw new Error(status ? `Outbox entry ${entryId} is ${status}, not PENDING.` : `Outbox entry ${entryId} does not exist.`);
  };
  const requireIntent = (intentId: string): void => {
    if (!sql.intent.get(intentId)) throw new Error(`Intent ${intentId} does not exist.`);
  };

  return {
    recordIntent: db.transaction((input: IntentInput, writes: PlannedWrite[], answer?: IntentAnswer) => {
      const at = now();
      const intent = toIntent(sql.insertIntent.get(randomUUID(), input.kind, input.subjectKey, toJson(input.request), instanceId, at) as IntentRow);
      const entries = writes.map((w) => toEntry(sql.insertEntry.get(randomUUID(), intent.id, w.system, w.recordKey, toJson(w.operation), at, at) as OutboxRow));
      if (answer) sql.keepAnswer.run(toJson(answer.response(intent.id)), answer.key);
      return { intent, entries };
    }),
    releaseIntent(intentId) {
      if (sql.release.run(intentId).changes === 0) requireIntent(intentId);
    },
    markApplied: (entryId, result) => settled(sql.applied.run(toJson(result), entryId).changes, entryId),
    markRetry: (entryId, error, nextAttemptAt) => settled(sql.retry.run(error, nextAttemptAt, entryId).changes, entryId),
    markFailed: (entryId, message) => settled(sql.failed.run(message, entryId).changes, entryId),
    cancelIntent: db.transaction((intentId: string) => {
      requireIntent(intentId);
      const cancelled = sql.cancel.run(intentId).changes;
      sql.complete.run(now(), intentId);
      return cancelled;
    }),
    completeIntentIfDone: db.transaction((intentId: string) => {
      requireIntent(intentId);
      if ((sql.pendingOfIntent.get(intentId) as number) > 0) return false;
      sql.complete.run(now(), intentId);
      return true;
    }),
    completeSettledIntents: (at) => sql.completeSettled.all(at) as string[],
    getIntent(intentId) {
      const row = sql.intent.get(intentId) as IntentRow | undefined;
      return row ? toIntent(row) : null;
    },
    intentEntries: (intentId) => (sql.entries.all(intentId) as OutboxRow[]).map(toEntry),
    dueEntries(at, limit, skipSystems = [], perSystem = {}) {
      const taken = new Map<string, number>();
      return (sql.due.all(at, JSON.stringify(skipSystems), limit) as OutboxRow[]).filter((row) => {
        const n = (taken.get(row.system) ?? 0) + 1;
        taken.set(row.system, n);
        return n <= (perSystem[row.system as WriteSystem] ?? Infinity);
      }).map(toEntry);
    },
    hasPending: (system, recordKey, beforeSeq = Number.MAX_SAFE_INTEGER) => sql.pendingBefore.get(system, recordKey, beforeSeq) !== undefined,
    outboxStats(at) {
      const stats = Object.fromEntries(SYSTEMS.map((s) => [s, { pending: 0, oldestPendingAgeMs: null }])) as OutboxStats;
      for (const row of sql.stats.all() as { system: WriteSystem; pending: number; oldest: number }[]) {
        stats[row.system] = { pending: row.pending, oldestPendingAgeMs: Math.max(0, at - row.oldest) };
      }
      return stats;
    },
  };
}
