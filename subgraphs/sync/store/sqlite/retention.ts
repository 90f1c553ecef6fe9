/** Internal to the SQLite store: the retention half of SyncStore (deleting old rows, a batch per transaction). */
import type Database from 'better-sqlite3';
import type { RetentionStore } from '../types.ts';
import type { Synchronous } from './synchronous.ts';

export function sqliteRetention(db: Database.Database): Synchronous<RetentionStore> {
  const sql = {
    doneIntents: db.prepare(`SELECT id FROM intents WHERE status = 'DONE' AND completed_at < ? ORDER BY completed_at LIMIT ?`).pluck(),
    entriesOf: db.prepare('DELETE FROM outbox WHERE intent_id = ?'),
    intent: db.prepare('DELETE FROM intents WHERE id = ?'),
    events: db.prepare(`DELETE FROM inbox WHERE seq IN (
      SELECT seq FROM inbox WHERE status <> 'PENDING' AND processed_at < ? ORDER BY processed_at LIMIT ?)`),
    discrepancies: db.prepare(`DELETE FROM discrepancies WHERE seq IN (
      SELECT seq FROM discrepancies WHERE resolved_at IS NOT NULL AND resolved_at < ? ORDER BY resolved_at LIMIT ?)`),
  };
  return {
    // The entries go first: they reference their intent (foreign_keys = ON).
    pruneIntents: db.transaction((before: number, limit: number) => {
      const ids = sql.doneIntents.all(before, limit) as string[];
      for (const id of ids) {
        sql.entriesOf.run(id);
        sql.intent.run(id);
      }
      return ids.length;
    }),
    pruneInboxEvents: (before, limit) => sql.events.run(before, limit).changes,
    pruneDiscrepancies: (before, limit) => sql.discrepancies.run(before, limit).changes,
  };
}
