/**
 * The gateway's PostgreSQL (DATABASE_URL): one pool for the audit log and the per-caller budgets,
 * its tables brought up to date on opening. Without DATABASE_URL the gateway has no pool: the audit log
 * is a SQLite file and the budgets are counted in memory.
 */
import type { Pool } from 'pg';
import { createPool, transaction } from '../../subgraphs/shared/postgres/db.ts';
import { migrate } from '../../subgraphs/shared/postgres/migrate.ts';
import { GATEWAY_MIGRATIONS } from './migrations.ts';

/** Connections, and how long a statement waits for one: a database that does not answer fails requests' budget checks over to memory, not hangs them. */
const POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 2_000;

/** The pool, migrated; end() it on shutdown. `schema` (tests) is created if missing and made the search_path. */
export async function openGatewayDatabase(connectionString: string, schema?: string): Promise<Pool> {
  const pool = createPool({ connectionString, schema, max: POOL_SIZE, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await transaction(pool, async (client) => {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
      await migrate(client, GATEWAY_MIGRATIONS);
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  return pool;
}
