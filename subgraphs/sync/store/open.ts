/** Opens the store the configuration names: PostgreSQL at DATABASE_URL when set, else the SQLite file (the default). */
import { openPostgresStore } from './postgres/store.ts';
import { openSqliteStore } from './sqlite/store.ts';
import type { SyncStore } from './types.ts';

export interface StoreLocation {
  /** postgres://… (DATABASE_URL), or null for the SQLite file. */
  databaseUrl: string | null;
  databasePath: string;
}

export interface OpenOptions {
  now?: () => number;
  idempotencyKeyTtlMs?: number;
  /** This replica's name in a shared database, kept across its restarts (e.g. host:port); default a random one. */
  replicaName?: string;
  /** PostgreSQL only: how long a claim lasts; holds and idempotency keys IN_PROGRESS twice as long (StoreLeases). Default the store's. */
  leaseMs?: number;
}

export async function openSyncStore(location: StoreLocation, options: OpenOptions = {}): Promise<SyncStore> {
  const { replicaName, leaseMs, ...common } = options;
  const leases = leaseMs === undefined ? undefined : { claimMs: leaseMs, holdMs: 2 * leaseMs, idempotencyMs: 2 * leaseMs };
  return location.databaseUrl ? openPostgresStore(location.databaseUrl, { ...common, instanceId: replicaName, leases }) : openSqliteStore(location.databasePath, common);
}
