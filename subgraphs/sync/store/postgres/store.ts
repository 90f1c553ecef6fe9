/**
 * SyncStore on PostgreSQL (node-postgres), for one or several replicas of the sync service over one
 * database. Opening it runs the migrations (migrations.ts). Unlike the SQLite store, opening releases
 * nothing another process holds, since that process may be alive: a hold, a claim or an idempotency
 * key IN_PROGRESS lapses after its lease instead (see StoreLeases).
 *
 * Two pools: one for the store's statements, one for record locks, which are held across a write's
 * upstream calls, and the reconciliation lease, held across a pass; kept apart so that writes waiting
 * for a lock never starve the statements of the writes that hold one.
 */
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { IDEMPOTENCY_KEY_TTL_MS, RecordLockTimeout, SUPERSEDED_VERSION_TTL_MS, VersionSuperseded, type Superseded, type SyncStore } from '../types.ts';
import { createPool, rows, transaction, type Queryable } from '../../../shared/postgres/db.ts';
import { migrate } from './migrations.ts';
import { postgresOutbox } from './outbox.ts';
import { postgresIdempotency } from './idempotency.ts';
import { postgresInbox } from './inbox.ts';
import { interruptAbandonedRuns, postgresReconcile } from './reconcile.ts';
import { postgresRetention } from './retention.ts';

/** How long what a replica holds lasts if it dies holding it. */
export interface StoreLeases {
  /** A request's hold on the intent it is applying. Default 2 minutes (a request's deadline is seconds). */
  holdMs: number;
  /** A worker's claim on an outbox entry or a webhook event. Default 1 minute. */
  claimMs: number;
  /** An idempotency key IN_PROGRESS. Default 2 minutes. */
  idempotencyMs: number;
}

export interface PostgresStoreOptions {
  /** The schema holding the tables (created if missing); default the server's search_path (public). */
  schema?: string;
  now?: () => number;
  /**
   * Names this replica in what it holds. One that keeps its name across restarts (host and port) lets
   * go of what its previous run held at once on opening, as the SQLite store does; default a random UUID.
   */
  instanceId?: string;
  idempotencyKeyTtlMs?: number;
  leases?: Partial<StoreLeases>;
  /** Connections for statements (default 10) and for record locks and a pass's reconciliation lease (default 20). */
  poolSize?: number;
  lockPoolSize?: number;
}

const DEFAULT_LEASES: StoreLeases = { holdMs: 2 * 60_000, claimMs: 60_000, idempotencyMs: 2 * 60_000 };

/** What this replica's previous run held when it stopped or was killed: no other process has its name. */
async function releasePreviousRun(client: PoolClient, instanceId: string): Promise<void> {
  await client.query('UPDATE intents SET held_by = NULL, held_until = NULL WHERE held_by = $1', [instanceId]);
  await client.query('UPDATE outbox SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = $1', [instanceId]);
  await client.query('UPDATE inbox SET claimed_by = NULL, claim_until = NULL WHERE claimed_by = $1', [instanceId]);
  // A key whose request recorded its intent keeps that write's answer (IntentAnswer); the others run again.
  await client.query(`UPDATE idempotency_keys SET state = 'DONE', owner = NULL, lease_until = NULL WHERE state = 'IN_PROGRESS' AND owner = $1 AND response IS NOT NULL`, [instanceId]);
  await client.query(`DELETE FROM idempotency_keys WHERE state = 'IN_PROGRESS' AND owner = $1`, [instanceId]);
}

/** A connection from `pool`, or null once `waitMs` has passed without one (one that comes later goes back). */
async function connectWithin(pool: Pool, waitMs: number | undefined): Promise<PoolClient | null> {
  if (waitMs === undefined) return pool.connect();
  const connecting = pool.connect();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), Math.max(0, waitMs)); });
  const client = await Promise.race([connecting, timedOut]).finally(() => clearTimeout(timer));
  if (!client) connecting.then((late) => late.release(), () => undefined);
  return client;
}

/** How `version` of `key` was superseded, or null while it is not. */
async function supersededAs(db: Queryable, key: string, version: string): Promise<Superseded | null> {
  const [row] = await rows<{ systems: string[]; current_version: string | null }>(db,
    'SELECT systems, current_version FROM superseded_versions WHERE record_key = $1 AND version = $2', [key, version]);
  return row ? { systems: row.systems, currentVersion: row.current_version } : null;
}

export async function openPostgresStore(connectionString: string, options: PostgresStoreOptions = {}): Promise<SyncStore> {
  const now = options.now ?? Date.now;
  const instanceId = options.instanceId ?? randomUUID();
  const leases = { ...DEFAULT_LEASES, ...options.leases };
  const pool = createPool({ connectionString, schema: options.schema, max: options.poolSize });
  const lockPool = createPool({ connectionString, schema: options.schema, max: options.lockPoolSize ?? 20 });
  try {
    await transaction(pool, async (client) => {
      if (options.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(options.schema)}`);
      await migrate(client);
      await releasePreviousRun(client, instanceId);
      await interruptAbandonedRuns(client, now());
    });
  } catch (err) {
    await Promise.all([pool.end(), lockPool.end()]);
    throw err;
  }

  return {
    ...postgresOutbox(pool, now, instanceId, leases),
    ...postgresIdempotency(pool, instanceId, options.idempotencyKeyTtlMs ?? IDEMPOTENCY_KEY_TTL_MS, leases.idempotencyMs),
    ...postgresInbox(pool, instanceId, leases.claimMs),
    ...postgresReconcile(pool, lockPool),
    ...postgresRetention(pool),
    async withRecordLock(key, work, waitMs, version) {
      const started = Date.now();
      const client = await connectWithin(lockPool, waitMs);
      if (!client) {
        // Every connection was busy all along; the version may have been superseded meanwhile all the same.
        const superseded = version === undefined ? null : await supersededAs(pool, key, version);
        throw superseded ? new VersionSuperseded(superseded) : new RecordLockTimeout();
      }
      try {
        await client.query('BEGIN');
        const left = waitMs === undefined ? null : Math.max(0, Math.ceil(waitMs - (Date.now() - started)));
        // Held until this transaction ends, and released by the server if this process dies.
        const [{ outcome }] = await rows<{ outcome: 'TAKEN' | 'SUPERSEDED' | 'TIMEOUT' }>(client, 'SELECT take_record_lock($1, $2, $3) AS outcome', [key, version ?? null, left]);
        if (outcome === 'TIMEOUT') throw new RecordLockTimeout();
        if (outcome === 'SUPERSEDED') throw new VersionSuperseded((await supersededAs(client, key, version!))!);
        return await work();
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
    async supersedeVersion(key, version, { systems, currentVersion }) {
      // Rows past their time go as new ones come (the index on superseded_at finds them).
      await pool.query(`WITH expired AS (DELETE FROM superseded_versions WHERE superseded_at < $5)
        INSERT INTO superseded_versions (record_key, version, systems, current_version, superseded_at) VALUES ($1, $2, $3, $4, $6)
        ON CONFLICT DO NOTHING`, [key, version, systems, currentVersion, now() - SUPERSEDED_VERSION_TTL_MS, now()]);
    },
    close: async () => void await Promise.all([pool.end(), lockPool.end()]),
  };
}
