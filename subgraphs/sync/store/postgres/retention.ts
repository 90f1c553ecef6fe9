/** Internal to the PostgreSQL store: deleting old rows, a batch per transaction. */
import type { Pool } from 'pg';
import type { RetentionStore } from '../types.ts';
import { changes, rows, transaction } from '../../../shared/postgres/db.ts';

export function postgresRetention(pool: Pool): RetentionStore {
  return {
    // The entries go first: they reference their intent.
    pruneIntents: (before, limit) => transaction(pool, async (client) => {
      const ids = (await rows<{ id: string }>(client, `SELECT id FROM intents WHERE status = 'DONE' AND completed_at < $1 ORDER BY completed_at LIMIT $2`,
        [before, limit])).map((r) => r.id);
      await client.query('DELETE FROM outbox WHERE intent_id = ANY ($1::text[])', [ids]);
      await client.query('DELETE FROM intents WHERE id = ANY ($1::text[])', [ids]);
      return ids.length;
    }),
    pruneInboxEvents: (before, limit) => changes(pool, `DELETE FROM inbox WHERE seq IN (
      SELECT seq FROM inbox WHERE status <> 'PENDING' AND processed_at < $1 ORDER BY processed_at LIMIT $2)`, [before, limit]),
    pruneDiscrepancies: (before, limit) => changes(pool, `DELETE FROM discrepancies WHERE seq IN (
      SELECT seq FROM discrepancies WHERE resolved_at IS NOT NULL AND resolved_at < $1 ORDER BY resolved_at LIMIT $2)`, [before, limit]),
  };
}
