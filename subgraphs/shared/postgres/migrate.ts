/**
 * Numbered migrations on PostgreSQL, for any store: one row per migration applied in the store's own
 * table (so the sync service and the gateway can share one database and schema without their numbers
 * meeting); each runs once, in order, in the caller's transaction with its row. Replicas starting
 * together take turns (an advisory lock held for the transaction), so a migration never runs twice.
 */
import type { PoolClient } from 'pg';
import { quoteIdent } from './db.ts';

export interface Migrations {
  /** Who owns them, for the error on a schema written by newer code ("the sync database"). */
  owner: string;
  /** The table of versions applied. */
  table: string;
  /** The advisory lock key they run under (any constant shared by every replica of the store). */
  lockKey: number;
  /** Append only: a released migration is never edited, a change is a new entry. */
  steps: readonly string[];
}

/** Brings the schema up to date on `client` (inside the caller's transaction); refuses one written by newer code. */
export async function migrate(client: PoolClient, migrations: Migrations): Promise<void> {
  const table = quoteIdent(migrations.table);
  await client.query('SELECT pg_advisory_xact_lock($1)', [migrations.lockKey]);
  await client.query(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${table}`);
  const current = rows[0].version ?? 0;
  const known = migrations.steps.length;
  if (current > known) throw new Error(`${migrations.owner} has schema version ${current}, newer than this code knows (${known}).`);
  for (let version = current + 1; version <= known; version++) {
    await client.query(migrations.steps[version - 1]);
    await client.query(`INSERT INTO ${table} (version) VALUES ($1)`, [version]);
  }
}
