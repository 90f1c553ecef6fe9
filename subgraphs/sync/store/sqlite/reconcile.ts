/** Internal to the SQLite store: the reconciliation half of SyncStore (cursors, discrepancies, runs, failures). */
import type Database from 'better-sqlite3';
import { toDiscrepancy, toJson, toRun, type DiscrepancyRow, type RunRow } from '../rows.ts';
import type { DiscrepancyFinding, FeedCursor, FeedName, FindingScope, FindingsRecord, OrderCheckRecord, ReconcileStore, SyncFailure, WriteSystem } from '../types.ts';
import type { Synchronous } from './synchronous.ts';

/** How many failures each system keeps; older ones are deleted as new ones arrive. */
const FAILURES_KEPT = 200;

export function sqliteReconcile(db: Database.Database): Synchronous<ReconcileStore> {
  const sql = {
    cursors: db.prepare('SELECT feed, position, updated_at FROM sync_cursors ORDER BY feed'),
    cursor: db.prepare('SELECT position FROM sync_cursors WHERE feed = ?').pluck(),
    advance: db.prepare(`INSERT INTO sync_cursors (feed, position, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (feed) DO UPDATE SET position = max(position, excluded.position), updated_at = excluded.updated_at`),
    openOfSubject: db.prepare('SELECT * FROM discrepancies WHERE subject_key = ? AND resolved_at IS NULL'),
    insert: db.prepare(`INSERT INTO discrepancies (subject_key, kind, system, field, canonical_value, source_value, contact_id, order_id, detail, detected_at, last_seen_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    refresh: db.prepare('UPDATE discrepancies SET canonical_value = ?, source_value = ?, detail = ?, last_seen_at = ? WHERE seq = ?'),
    resolve: db.prepare('UPDATE discrepancies SET resolved_at = ?, resolution = ? WHERE seq = ? AND resolved_at IS NULL'),
    one: db.prepare('SELECT * FROM discrepancies WHERE seq = ?'),
    startRun: db.prepare(`INSERT INTO reconcile_runs (dry_run, since, status, started_at, stats) VALUES (?, ?, 'RUNNING', ?, '{}')`),
    finishRun: db.prepare('UPDATE reconcile_runs SET status = ?, stats = ?, finished_at = ? WHERE id = ?'),
    lastRun: db.prepare('SELECT * FROM reconcile_runs ORDER BY id DESC LIMIT 1'),
    lastWetRun: db.prepare('SELECT * FROM reconcile_runs WHERE dry_run = 0 ORDER BY id DESC LIMIT 1'),
    failure: db.prepare('INSERT INTO sync_failures (at, system, source, code, message) VALUES (?, ?, ?, ?, ?)'),
    prune: db.prepare(`DELETE FROM sync_failures WHERE system = ? AND seq <= (
      SELECT seq FROM sync_failures WHERE system = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`),
    failures: db.prepare('SELECT at, system, source, code, message FROM sync_failures WHERE system = ? ORDER BY seq DESC LIMIT ?'),
    schedule: db.prepare(`INSERT INTO order_rechecks (order_number, due_at) VALUES (?, ?)
      ON CONFLICT (order_number) DO UPDATE SET due_at = excluded.due_at`),
    unschedule: db.prepare('DELETE FROM order_rechecks WHERE order_number = ?'),
    dueRechecks: db.prepare('SELECT order_number FROM order_rechecks WHERE due_at <= ? ORDER BY due_at, order_number LIMIT ?').pluck(),
  };
  const sameSlot = (row: DiscrepancyRow, f: DiscrepancyFinding) => row.kind === f.kind && row.system === f.system && row.field === f.field;
  /** A subject's findings against its open discrepancies (inside the caller's transaction). */
  const recordFindings = (subjectKey: string, scope: FindingScope, findings: DiscrepancyFinding[], now: number) => {
    const open = sql.openOfSubject.all(subjectKey) as DiscrepancyRow[];
    let opened = 0;
    const resolved: WriteSystem[] = [];
    for (const f of findings) {
      const existing = open.find((row) => sameSlot(row, f));
      if (existing) sql.refresh.run(f.canonicalValue, f.sourceValue, toJson(f.detail), now, existing.seq);
      else {
        sql.insert.run(subjectKey, f.kind, f.system, f.field, f.canonicalValue, f.sourceValue, f.contactId, f.orderId, toJson(f.detail), now, now);
        opened++;
      }
    }
    for (const row of open) {
      const inScope = scope.kinds.includes(row.kind) && scope.systems.includes(row.system);
      if (inScope && !findings.some((f) => sameSlot(row, f)) && sql.resolve.run(now, 'GONE', row.seq).changes === 1) resolved.push(row.system);
    }
    return { opened, resolved };
  };

  // One process owns the file: a flag in memory is the whole lease.
  let leased = false;
  return {
    tryReconcileLease() {
      if (leased) return null;
      leased = true;
      let held = true;
      return { release: async () => { if (held) held = leased = false; } };
    },
    cursors: () => (sql.cursors.all() as { feed: FeedName; position: number; updated_at: number }[])
      .map((r): FeedCursor => ({ feed: r.feed, position: r.position, updatedAt: r.updated_at })),
    cursor: (feed) => (sql.cursor.get(feed) as number | undefined) ?? null,
    advanceCursor: (feed, position, now) => void sql.advance.run(feed, position, now),
    recordFindings: db.transaction(recordFindings),
    recordManyFindings: db.transaction((records: FindingsRecord[], now: number) =>
      records.map((r) => recordFindings(r.subjectKey, r.scope, r.findings, now).resolved)),
    recordOrderChecks: db.transaction((checks: OrderCheckRecord[], scope: FindingScope, now: number) => {
      let resolved = 0;
      for (const check of checks) {
        resolved += recordFindings(check.subjectKey, scope, check.findings, now).resolved.length;
        if (check.recheckAt !== null) sql.schedule.run(check.orderNumber, check.recheckAt);
        else sql.unschedule.run(check.orderNumber);
      }
      return resolved;
    }),
    discrepancies(filter, afterSeq, limit) {
      const where = ['seq > ?'];
      const params: unknown[] = [afterSeq ?? 0];
      if (filter.system) { where.push('system = ?'); params.push(filter.system); }
      if (filter.kind) { where.push('kind = ?'); params.push(filter.kind); }
      if (filter.contactId) { where.push('contact_id = ?'); params.push(filter.contactId); }
      if (filter.resolved === true) where.push('resolved_at IS NOT NULL');
      if (filter.resolved === false) where.push('resolved_at IS NULL');
      const rows = db.prepare(`SELECT * FROM discrepancies WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`).all(...params, limit) as DiscrepancyRow[];
      return rows.map(toDiscrepancy);
    },
    discrepancy: (seq) => {
      const row = sql.one.get(seq) as DiscrepancyRow | undefined;
      return row ? toDiscrepancy(row) : null;
    },
    resolveDiscrepancy: (seq, resolution, now) => sql.resolve.run(now, resolution, seq).changes === 1,
    startRun: ({ dryRun, since, startedAt }) => Number(sql.startRun.run(dryRun ? 1 : 0, since, startedAt).lastInsertRowid),
    finishRun: (id, status, stats, finishedAt) => void sql.finishRun.run(status, toJson(stats), finishedAt, id),
    lastRun: (options = {}) => {
      const row = (options.wet ? sql.lastWetRun : sql.lastRun).get() as RunRow | undefined;
      return row ? toRun(row) : null;
    },
    recordFailure: db.transaction((f: SyncFailure) => {
      sql.failure.run(f.at, f.system, f.source, f.code, f.message);
      sql.prune.run(f.system, f.system, FAILURES_KEPT);
    }),
    recentFailures: (system, limit) => sql.failures.all(system, limit) as SyncFailure[],
    scheduleOrderRecheck: (orderNumber, dueAt) => void sql.schedule.run(orderNumber, dueAt),
    clearOrderRecheck: (orderNumber) => void sql.unschedule.run(orderNumber),
    dueOrderRechecks: (now, limit) => sql.dueRechecks.all(now, limit) as string[],
  };
}

/** Runs a process left RUNNING when it stopped or was killed: they will never finish. */
export function interruptAbandonedRuns(db: Database.Database, now: number): void {
  db.prepare(`UPDATE reconcile_runs SET status = 'INTERRUPTED', finished_at = ? WHERE status = 'RUNNING'`).run(now);
}
