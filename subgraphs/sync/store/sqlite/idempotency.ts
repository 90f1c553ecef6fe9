/** Internal to the SQLite store: the idempotency-key half of SyncStore. */
import type Database from 'better-sqlite3';
import { fromJson, toJson } from '../rows.ts';
import type { IdempotencyClaim, IdempotencyStore } from '../types.ts';
import type { Synchronous } from './synchronous.ts';

interface KeyRow {
  request_hash: string;
  state: 'IN_PROGRESS' | 'DONE';
  response: string | null;
  expires_at: number;
}

/** Idempotency keys on `db`, each kept `ttlMs` from its first claim; a key claimed here is owned by `instanceId`. */
export function sqliteIdempotency(db: Database.Database, instanceId: string, ttlMs: number): Synchronous<IdempotencyStore> {
  const sql = {
    get: db.prepare('SELECT request_hash, state, response, expires_at FROM idempotency_keys WHERE key = ?'),
    insert: db.prepare(`INSERT INTO idempotency_keys (key, request_hash, state, owner, created_at, expires_at)
      VALUES (?, ?, 'IN_PROGRESS', ?, ?, ?)`),
    remove: db.prepare('DELETE FROM idempotency_keys WHERE key = ?'),
    complete: db.prepare(`UPDATE idempotency_keys SET state = 'DONE', response = ?, owner = NULL WHERE key = ? AND state = 'IN_PROGRESS'`),
    release: db.prepare(`DELETE FROM idempotency_keys WHERE key = ? AND state = 'IN_PROGRESS'`),
    purge: db.prepare('DELETE FROM idempotency_keys WHERE rowid IN (SELECT rowid FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)'),
  };

  // Immediate: the read and the insert must not be split by another connection's write.
  const claim = db.transaction((key: string, requestHash: string, now: number): IdempotencyClaim => {
    let row = sql.get.get(key) as KeyRow | undefined;
    if (row && row.expires_at <= now) {
      sql.remove.run(key);
      row = undefined;
    }
    if (!row) {
      sql.insert.run(key, requestHash, instanceId, now, now + ttlMs);
      return { state: 'CLAIMED' };
    }
    if (row.request_hash !== requestHash) return { state: 'MISMATCH' };
    return row.state === 'DONE' ? { state: 'DONE', response: fromJson(row.response) } : { state: 'IN_PROGRESS' };
  });

  return {
    claimIdempotencyKey: (key, requestHash, now) => claim.immediate(key, requestHash, now),
    completeIdempotencyKey(key, response) {
      // The key is not named: it comes from the client, and this message may reach a log.
      if (sql.complete.run(toJson(response), key).changes === 0) throw new Error('The idempotency key to complete is not claimed.');
    },
    releaseIdempotencyKey(key) {
      sql.release.run(key);
    },
    purgeExpired: (now, limit = -1) => sql.purge.run(now, limit).changes,
  };
}
