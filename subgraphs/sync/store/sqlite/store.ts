/**
 * SyncStore on an embedded SQLite file (better-sqlite3). Durability: WAL with synchronous = FULL, so a
 * transaction that has returned is on disk, and survives kill -9 and power loss. The file is locked
 * for this process alone (locking_mode = EXCLUSIVE): opening a store releases what the previous
 * process held (see SyncStore), which is only safe when that process is gone. The file and its -wal
 * are readable by their owner alone (0600: they hold personal data), and deleted rows are overwritten
 * (secure_delete), not left in free pages.
 */
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { preparePrivateSqliteFile } from '../../../shared/private-file.ts';
import { migrate } from './schema.ts';
import { sqliteIdempotency } from './idempotency.ts';
import { sqliteOutbox } from './outbox.ts';
import { sqliteInbox } from './inbox.ts';
import { interruptAbandonedRuns, sqliteReconcile } from './reconcile.ts';
import { sqliteRetention } from './retention.ts';
import { IDEMPOTENCY_KEY_TTL_MS, type SyncStore } from '../types.ts';
import { promised } from './synchronous.ts';

export interface SqliteStoreOptions {
  /** The clock for timestamps the store sets itself (createdAt, completedAt, first due time). Default Date.now. */
  now?: () => number;
  /** Names this process instance in the rows it holds. Default a random UUID. */
  instanceId?: string;
  /** How long an idempotency key is kept from its first claim. Default IDEMPOTENCY_KEY_TTL_MS (24 hours). */
  idempotencyKeyTtlMs?: number;
}

/** How long opening waits for another process to let go of the file; a killed one lets go at once. */
const LOCK_WAIT_MS = 1000;

/**
 * Opens (and on first start creates, with its directories) the store at `path`; `':memory:'` gives a
 * private in-memory store for unit tests. Fails if another process has the file open.
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): SyncStore {
  const now = options.now ?? Date.now;
  const instanceId = options.instanceId ?? randomUUID();
  preparePrivateSqliteFile(path);
  const db = new Database(path, { timeout: LOCK_WAIT_MS });
  try {
    configure(db, path);
    migrate(db);
    releasePreviousInstance(db, instanceId);
    interruptAbandonedRuns(db, now());
  } catch (err) {
    db.close();
    throw err;
  }
  const store = promised<Omit<SyncStore, 'withRecordLock' | 'supersedeVersion'>>({
    ...sqliteOutbox(db, now, instanceId),
    ...sqliteIdempotency(db, instanceId, options.idempotencyKeyTtlMs ?? IDEMPOTENCY_KEY_TTL_MS),
    ...sqliteInbox(db),
    ...sqliteReconcile(db),
    ...sqliteRetention(db),
    close: () => void db.close(),
  });
  // One process owns the file (locking_mode = EXCLUSIVE): there is no other process to wait for, nor to tell.
  return { ...store, withRecordLock: (_key, work) => work(), supersedeVersion: async () => undefined };
}

function configure(db: Database.Database, path: string): void {
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new Error(`The sync database ${path} is in use by another process.`);
    throw err;
  }
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
}

/** See SyncStore: a previous instance's intents go to the worker, its unfinished keys are forgotten. */
function releasePreviousInstance(db: Database.Database, instanceId: string): void {
  db.transaction(() => {
    db.prepare('UPDATE intents SET held_by = NULL WHERE held_by IS NOT NULL AND held_by <> ?').run(instanceId);
    // A key whose request recorded its intent keeps that write's answer (IntentAnswer); the others run again.
    db.prepare(`UPDATE idempotency_keys SET state = 'DONE', owner = NULL WHERE state = 'IN_PROGRESS' AND response IS NOT NULL AND (owner IS NULL OR owner <> ?)`).run(instanceId);
    db.prepare(`DELETE FROM idempotency_keys WHERE state = 'IN_PROGRESS' AND (owner IS NULL OR owner <> ?)`).run(instanceId);
  }).immediate();
}
