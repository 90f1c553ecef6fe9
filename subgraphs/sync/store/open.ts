/** Opens the store the configuration names: PostgreSQL at DATABASE_URL when set, else the SQLite file (the default). */
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite/store.ts';
import type { SyncStore } from './types.ts';

export interface StoreLocation {
  /** postgres://… (DATABASE_URL), or null for the SQLite file. */
  databaseUrl: string | null;
  databasePath: string;
}

export async function openSyncStore(location: StoreLocation, options: { now?: () => number; idempotencyKeyTtlMs?: number } = {}): Promise<SyncStore> {
  return location.databaseUrl ? openPostgresStore(location.databaseUrl, options) : openSqliteStore(location.databasePath, options);
}
