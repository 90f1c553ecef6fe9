/**
 * Internal to the PostgreSQL store: the outbox half of SyncStore. Replicas share it: a request's hold
 * on its intent lapses at `held_until`, and dueEntries claims what it returns (`claimed_by`,
 * `claim_until`) with SELECT … FOR UPDATE SKIP LOCKED, so two workers never take the same entry and a
 * crashed replica's entries are taken over once their claim has run out.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { toEntry, toIntent, toJson, type IntentRow, type OutboxRow } from '../rows.ts';
import type { IntentAnswer, IntentInput, OutboxStats, OutboxStore, PlannedWrite, WriteSystem } from '../types.ts';
import { changes, rows, transaction, type Queryable } from '../../../shared/postgres/db.ts';

const SYSTEMS: WriteSystem[] = ['CRM', 'ERP', 'COMMERCE'];

/**
 * The earliest PENDING entry of each record, due, of an intent no request holds, claimed by nobody;
 * locked and claimed in one statement. An entry another worker is claiming right now is skipped, and
 * the later entries of its record with it (they are not the earliest). Of the rows locked, only the
 * first `most` of each capped system ($6 systems, $7 caps) are claimed: the others stay free for any
 * replica, instead of waiting out a claim this worker would not act on.
 */
const CLAIM_DUE = `
  WITH due AS (
    SELECT o.seq, o.system FROM outbox o JOIN intents i ON i.id = o.intent_id
    WHERE o.status = 'PENDING' AND o.next_attempt_at <= $1
      AND (i.held_by IS NULL OR i.held_until <= $1)
      AND (o.claim_until IS NULL OR o.claim_until <= $1 OR o.claimed_by = $4)
      AND NOT (o.system = ANY ($2::text[]))
      AND NOT EXISTS (SELECT 1 FROM outbox p
                      WHERE p.status = 'PENDING' AND p.system = o.system AND p.record_key = o.record_key AND p.seq < o.seq)
    ORDER BY o.seq LIMIT $3
    FOR UPDATE OF o SKIP LOCKED
  ), taken AS (
    SELECT ranked.seq FROM (SELECT seq, system, row_number() OVER (PARTITION BY system ORDER BY seq) AS n FROM due) ranked
    LEFT JOIN unnest($6::text[], $7::int[]) AS cap(system, most) ON cap.system = ranked.system
    WHERE cap.most IS NULL OR ranked.n <= cap.most
  )
  UPDATE outbox SET claimed_by = $4, claim_until = $5 FROM taken WHERE outbox.seq = taken.seq
  RETURNING outbox.*`;

export interface OutboxLeases {
  /** How long a request's hold on its intent lasts at most (a crashed replica's writes wait this long). */
  holdMs: number;
  /** How long a worker's claim on an entry lasts (longer than applying one entry can take). */
  claimMs: number;
}

export function postgresOutbox(pool: Pool, now: () => number, instanceId: string, leases: OutboxLeases): OutboxStore {
  /** A settle that matched no PENDING entry is a bug in the caller (e.g. applying an entry twice): say so loudly. */
  const settle = async (sql: string, params: unknown[], entryId: string): Promise<void> => {
    if (await changes(pool, sql, params) === 1) return;
    const [row] = await rows<{ status: string }>(pool, 'SELECT status FROM outbox WHERE id = $1', [entryId]);
    throw new Error(row ? `Outbox entry ${entryId} is ${row.status}, not PENDING.` : `Outbox entry ${entryId} does not exist.`);
  };
  const requireIntent = async (db: Queryable, intentId: string): Promise<void> => {
    if ((await rows(db, 'SELECT 1 FROM intents WHERE id = $1', [intentId])).length === 0) throw new Error(`Intent ${intentId} does not exist.`);
  };
  const complete = (db: Queryable, intentId: string) =>
    db.query(`UPDATE intents SET status = 'DONE', held_by = NULL, held_until = NULL, completed_at = coalesce(completed_at, $1) WHERE id = $2`, [now(), intentId]);
  const unclaimed = 'claimed_by = NULL, claim_until = NULL';

  return {
    recordIntent: (input: IntentInput, writes: PlannedWrite[], answer?: IntentAnswer) => transaction(pool, async (client) => {
      const at = now();
      const [intentRow] = await rows<IntentRow>(client, `INSERT INTO intents (id, kind, subject_key, request, status, held_by, held_until, created_at)
        VALUES ($1, $2, $3, $4, 'OPEN', $5, $6, $7) RETURNING *`, [randomUUID(), input.kind, input.subjectKey, toJson(input.request), instanceId, at + leases.holdMs, at]);
      const entries = [];
      for (const w of writes) {
        const [row] = await rows<OutboxRow>(client, `INSERT INTO outbox (id, intent_id, system, record_key, operation, status, next_attempt_at, created_at)
          VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7) RETURNING *`, [randomUUID(), intentRow.id, w.system, w.recordKey, toJson(w.operation), at, at]);
        entries.push(toEntry(row));
      }
      if (answer) {
        await client.query(`UPDATE idempotency_keys SET response = $1 WHERE key = $2 AND state = 'IN_PROGRESS'`, [toJson(answer.response(intentRow.id)), Buffer.from(answer.key, 'utf8')]);
      }
      return { intent: toIntent(intentRow), entries };
    }),
    async releaseIntent(intentId) {
      if (await changes(pool, 'UPDATE intents SET held_by = NULL, held_until = NULL WHERE id = $1', [intentId]) === 0) await requireIntent(pool, intentId);
    },
    markApplied: (entryId, result) => settle(`UPDATE outbox SET status = 'APPLIED', attempts = attempts + 1, result = $1, ${unclaimed}
      WHERE id = $2 AND status = 'PENDING'`, [toJson(result), entryId], entryId),
    // Retry times come with jitter, fractions of a ms; the column holds whole ms (never sooner than asked).
    markRetry: (entryId, error, nextAttemptAt) => settle(`UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, ${unclaimed}
      WHERE id = $3 AND status = 'PENDING'`, [error, Math.ceil(nextAttemptAt), entryId], entryId),
    markFailed: (entryId, message) => settle(`UPDATE outbox SET status = 'FAILED', attempts = attempts + 1, last_error = $1, ${unclaimed}
      WHERE id = $2 AND status = 'PENDING'`, [message, entryId], entryId),
    cancelIntent: (intentId) => transaction(pool, async (client) => {
      await requireIntent(client, intentId);
      const cancelled = await changes(client, `UPDATE outbox SET status = 'CANCELLED', ${unclaimed} WHERE intent_id = $1 AND status = 'PENDING'`, [intentId]);
      await complete(client, intentId);
      return cancelled;
    }),
    // Each settle commits before its caller completes: the last of two replicas settling one intent's
    // entries side by side sees both, so an intent with nothing pending is never left OPEN.
    completeIntentIfDone: (intentId) => transaction(pool, async (client) => {
      await requireIntent(client, intentId);
      const [{ n }] = await rows<{ n: number }>(client, `SELECT count(*) AS n FROM outbox WHERE intent_id = $1 AND status = 'PENDING'`, [intentId]);
      if (n > 0) return false;
      await complete(client, intentId);
      return true;
    }),
    completeSettledIntents: async (at) => (await rows<{ id: string }>(pool, `UPDATE intents i SET status = 'DONE', held_by = NULL, held_until = NULL, completed_at = $1
      WHERE i.status = 'OPEN' AND (i.held_by IS NULL OR i.held_until <= $1)
        AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.intent_id = i.id AND o.status = 'PENDING')
      RETURNING i.id`, [at])).map((r) => r.id),
    async getIntent(intentId) {
      const [row] = await rows<IntentRow>(pool, 'SELECT * FROM intents WHERE id = $1', [intentId]);
      return row ? toIntent(row) : null;
    },
    intentEntries: async (intentId) => (await rows<OutboxRow>(pool, 'SELECT * FROM outbox WHERE intent_id = $1 ORDER BY seq', [intentId])).map(toEntry),
    async dueEntries(at, limit, skipSystems = [], perSystem = {}) {
      const caps = Object.entries(perSystem);
      const claimed = await rows<OutboxRow>(pool, CLAIM_DUE, [at, [...skipSystems], limit, instanceId, at + leases.claimMs, caps.map(([s]) => s), caps.map(([, n]) => n)]);
      return claimed.sort((a, b) => a.seq - b.seq).map(toEntry);
    },
    hasPending: async (system, recordKey, beforeSeq = Number.MAX_SAFE_INTEGER) =>
      (await rows(pool, `SELECT 1 FROM outbox WHERE status = 'PENDING' AND system = $1 AND record_key = $2 AND seq < $3 LIMIT 1`, [system, recordKey, beforeSeq])).length > 0,
    async outboxStats(at) {
      const stats = Object.fromEntries(SYSTEMS.map((s) => [s, { pending: 0, oldestPendingAgeMs: null }])) as OutboxStats;
      const found = await rows<{ system: WriteSystem; pending: number; oldest: number }>(pool,
        `SELECT system, count(*) AS pending, min(created_at) AS oldest FROM outbox WHERE status = 'PENDING' GROUP BY system`);
      for (const row of found) stats[row.system] = { pending: row.pending, oldestPendingAgeMs: Math.max(0, at - row.oldest) };
      return stats;
    },
  };
}
