/**
 * Internal to the PostgreSQL store: the reconciliation half of SyncStore. A subject's findings are
 * recorded under an advisory lock on the subject, so a pass on one replica and a webhook check on
 * another never both open the same discrepancy.
 */
import type { Pool, PoolClient } from 'pg';
import { toDiscrepancy, toJson, toRun, type DiscrepancyRow, type RunRow } from '../rows.ts';
import type { DiscrepancyFinding, FeedCursor, FeedName, FindingScope, FindingsRecord, OrderCheckRecord, ReconcileStore, SyncFailure, WriteSystem } from '../types.ts';
import { changes, rows, transaction } from '../../../shared/postgres/db.ts';
import { postgresReconcileLease, reconcileLeaseFree } from './reconcile-lease.ts';

/** How many failures each system keeps; older ones are deleted as new ones arrive. */
const FAILURES_KEPT = 200;

/** `lockPool` lends the connection a pass's lease is held on (reconcile-lease.ts). */
export function postgresReconcile(pool: Pool, lockPool: Pool): ReconcileStore {
  const sameSlot = (row: DiscrepancyRow, f: DiscrepancyFinding) => row.kind === f.kind && row.system === f.system && row.field === f.field;
  const schedule = (client: PoolClient, orderNumber: string, dueAt: number) =>
    client.query('INSERT INTO order_rechecks (order_number, due_at) VALUES ($1, $2) ON CONFLICT (order_number) DO UPDATE SET due_at = excluded.due_at', [orderNumber, dueAt]);
  const unschedule = (client: PoolClient, orderNumber: string) => client.query('DELETE FROM order_rechecks WHERE order_number = $1', [orderNumber]);

  /** A subject's findings against its open discrepancies (inside the caller's transaction). */
  const recordFindings = async (client: PoolClient, subjectKey: string, scope: FindingScope, findings: DiscrepancyFinding[], now: number) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ':discrepancies:' || $1, 0))`, [subjectKey]);
    const open = await rows<DiscrepancyRow>(client, 'SELECT * FROM discrepancies WHERE subject_key = $1 AND resolved_at IS NULL ORDER BY seq', [subjectKey]);
    let opened = 0;
    const resolved: WriteSystem[] = [];
    for (const f of findings) {
      const existing = open.find((row) => sameSlot(row, f));
      if (existing) {
        await client.query('UPDATE discrepancies SET canonical_value = $1, source_value = $2, detail = $3, last_seen_at = $4 WHERE seq = $5',
          [f.canonicalValue, f.sourceValue, toJson(f.detail), now, existing.seq]);
      } else {
        await client.query(`INSERT INTO discrepancies (subject_key, kind, system, field, canonical_value, source_value, contact_id, order_id, detail, detected_at, last_seen_at)
          VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
        [subjectKey, f.kind, f.system, f.field, f.canonicalValue, f.sourceValue, f.contactId, f.orderId, toJson(f.detail), now]);
        opened++;
      }
    }
    for (const row of open) {
      const inScope = scope.kinds.includes(row.kind) && scope.systems.includes(row.system);
      if (inScope && !findings.some((f) => sameSlot(row, f))
        && await changes(client, `UPDATE discrepancies SET resolved_at = $1, resolution = 'GONE' WHERE seq = $2 AND resolved_at IS NULL`, [now, row.seq]) === 1) {
        resolved.push(row.system);
      }
    }
    return { opened, resolved };
  };

  return {
    ...postgresReconcileLease(lockPool),
    cursors: async () => (await rows<{ feed: FeedName; position: number; updated_at: number }>(pool, 'SELECT feed, position, updated_at FROM sync_cursors ORDER BY feed'))
      .map((r): FeedCursor => ({ feed: r.feed, position: r.position, updatedAt: r.updated_at })),
    async cursor(feed) {
      const [row] = await rows<{ position: number }>(pool, 'SELECT position FROM sync_cursors WHERE feed = $1', [feed]);
      return row?.position ?? null;
    },
    async advanceCursor(feed, position, now) {
      await pool.query(`INSERT INTO sync_cursors (feed, position, updated_at) VALUES ($1, $2, $3)
        ON CONFLICT (feed) DO UPDATE SET position = greatest(sync_cursors.position, excluded.position), updated_at = excluded.updated_at`, [feed, position, now]);
    },
    recordFindings: (subjectKey, scope, findings, now) => transaction(pool, (client) => recordFindings(client, subjectKey, scope, findings, now)),
    recordManyFindings: (records: FindingsRecord[], now: number) => transaction(pool, async (client) => {
      const resolved: WriteSystem[][] = [];
      for (const r of records) resolved.push((await recordFindings(client, r.subjectKey, r.scope, r.findings, now)).resolved);
      return resolved;
    }),
    recordOrderChecks: (checks: OrderCheckRecord[], scope: FindingScope, now: number) => transaction(pool, async (client) => {
      let resolved = 0;
      for (const check of checks) {
        resolved += (await recordFindings(client, check.subjectKey, scope, check.findings, now)).resolved.length;
        if (check.recheckAt !== null) await schedule(client, check.orderNumber, check.recheckAt);
        else await unschedule(client, check.orderNumber);
      }
      return resolved;
    }),
    async discrepancies(filter, afterSeq, limit) {
      const params: unknown[] = [afterSeq ?? 0];
      const where = ['seq > $1'];
      const add = (clause: string, value: unknown) => { params.push(value); where.push(clause.replace('?', `$${params.length}`)); };
      if (filter.system) add('system = ?', filter.system);
      if (filter.kind) add('kind = ?', filter.kind);
      if (filter.contactId) add('contact_id = ?', filter.contactId);
      if (filter.resolved === true) where.push('resolved_at IS NOT NULL');
      if (filter.resolved === false) where.push('resolved_at IS NULL');
      params.push(limit);
      return (await rows<DiscrepancyRow>(pool, `SELECT * FROM discrepancies WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${params.length}`, params)).map(toDiscrepancy);
    },
    async discrepancy(seq) {
      const [row] = await rows<DiscrepancyRow>(pool, 'SELECT * FROM discrepancies WHERE seq = $1', [seq]);
      return row ? toDiscrepancy(row) : null;
    },
    resolveDiscrepancy: async (seq, resolution, now) =>
      await changes(pool, 'UPDATE discrepancies SET resolved_at = $1, resolution = $2 WHERE seq = $3 AND resolved_at IS NULL', [now, resolution, seq]) === 1,
    async startRun({ dryRun, since, startedAt }) {
      const [row] = await rows<{ id: number }>(pool, `INSERT INTO reconcile_runs (dry_run, since, status, started_at, stats) VALUES ($1, $2, 'RUNNING', $3, '{}') RETURNING id`,
        [dryRun, since, startedAt]);
      return row.id;
    },
    async finishRun(id, status, stats, finishedAt) {
      await pool.query('UPDATE reconcile_runs SET status = $1, stats = $2, finished_at = $3 WHERE id = $4', [status, toJson(stats), finishedAt, id]);
    },
    async lastRun(options = {}) {
      const [row] = await rows<RunRow>(pool, `SELECT * FROM reconcile_runs ${options.wet ? 'WHERE NOT dry_run' : ''} ORDER BY id DESC LIMIT 1`);
      return row ? toRun(row) : null;
    },
    recordFailure: (f: SyncFailure) => transaction(pool, async (client) => {
      await client.query('INSERT INTO sync_failures (at, system, source, code, message) VALUES ($1, $2, $3, $4, $5)', [f.at, f.system, f.source, f.code, f.message]);
      await client.query(`DELETE FROM sync_failures WHERE system = $1 AND seq <= (
        SELECT seq FROM sync_failures WHERE system = $1 ORDER BY seq DESC LIMIT 1 OFFSET $2)`, [f.system, FAILURES_KEPT]);
    }),
    recentFailures: (system, limit) => rows<SyncFailure>(pool, 'SELECT at, system, source, code, message FROM sync_failures WHERE system = $1 ORDER BY seq DESC LIMIT $2', [system, limit]),
    scheduleOrderRecheck: (orderNumber, dueAt) => transaction(pool, async (client) => void await schedule(client, orderNumber, dueAt)),
    clearOrderRecheck: async (orderNumber) => void await pool.query('DELETE FROM order_rechecks WHERE order_number = $1', [orderNumber]),
    dueOrderRechecks: async (now, limit) =>
      (await rows<{ order_number: string }>(pool, 'SELECT order_number FROM order_rechecks WHERE due_at <= $1 ORDER BY due_at, order_number LIMIT $2', [now, limit]))
        .map((r) => r.order_number),
  };
}

/**
 * Marks RUNNING runs INTERRUPTED at start when no pass holds the reconciliation lease: with replicas,
 * a RUNNING run may be another replica's pass in progress.
 */
export async function interruptAbandonedRuns(client: PoolClient, now: number): Promise<void> {
  if (await reconcileLeaseFree(client)) await client.query(`UPDATE reconcile_runs SET status = 'INTERRUPTED', finished_at = $1 WHERE status = 'RUNNING'`, [now]);
}
