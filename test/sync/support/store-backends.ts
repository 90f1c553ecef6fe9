/**
 * The store implementations a contract test runs against: SQLite in memory, and PostgreSQL on the
 * run's test server (test/setup/postgres.ts: the one DATABASE_URL names, else a throwaway one). Each
 * PostgreSQL store gets a schema of its own, dropped when it is closed, so test files running side by
 * side never meet.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { openSqliteStore, type SqliteStoreOptions } from '../../../subgraphs/sync/store/sqlite/store.ts';
import { openPostgresStore } from '../../../subgraphs/sync/store/postgres/store.ts';
import type { SyncStore } from '../../../subgraphs/sync/store/types.ts';

export interface StoreBackend {
  name: 'SQLite' | 'PostgreSQL';
  /** A new, empty store. */
  open(options?: SqliteStoreOptions): Promise<SyncStore>;
}

export const TEST_DATABASE_URL = inject('testDatabase').url;

let schemas = 0;
const DAY_MS = 24 * 60 * 60 * 1000;

const sqlite: StoreBackend = { name: 'SQLite', open: async (options) => openSqliteStore(':memory:', options) };

const postgres: StoreBackend = {
  name: 'PostgreSQL',
  async open(options = {}) {
    const schema = `sync_test_${process.pid}_${++schemas}_${Math.random().toString(36).slice(2, 8)}`;
    // The contract's clocks jump by days while a key is IN_PROGRESS; lapsing leases have their own tests (postgres-replicas.test.ts).
    const store = await openPostgresStore(TEST_DATABASE_URL, { ...options, schema, leases: { idempotencyMs: 30 * DAY_MS } });
    return { ...store, close: async () => { await store.close(); await dropSchema(schema); } };
  },
};

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${client.escapeIdentifier(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

export const storeBackends: StoreBackend[] = [sqlite, postgres];
