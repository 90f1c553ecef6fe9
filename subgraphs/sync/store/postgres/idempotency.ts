/**
 * Internal to the PostgreSQL store: idempotency keys, unique by their primary key across replicas. A
 * key IN_PROGRESS carries a lease (`lease_until`) instead of being freed when its process restarts:
 * a replica that died mid-request cannot say so, so past the lease a retry runs again (as after a
 * restart with SQLite). The lease outlasts any request (their deadline is seconds). An abandoned key
 * whose request had recorded its intent holds that write's answer (IntentAnswer), and is DONE with it.
 */
import type { Pool } from 'pg';
import { fromJson, toJson } from '../rows.ts';
import type { IdempotencyClaim, IdempotencyStore } from '../types.ts';
import { changes, rows, transaction } from '../../../shared/postgres/db.ts';

interface KeyRow {
  request_hash: string;
  state: 'IN_PROGRESS' | 'DONE';
  response: string | null;
  lease_until: number | null;
  expires_at: number;
}

/** The key as stored (BYTEA, see migrations.ts). */
const bytes = (key: string): Buffer => Buffer.from(key, 'utf8');

export function postgresIdempotency(pool: Pool, instanceId: string, ttlMs: number, leaseMs: number): IdempotencyStore {
  return {
    claimIdempotencyKey: (key, requestHash, now) => transaction(pool, async (client): Promise<IdempotencyClaim> => {
      const claim = [bytes(key), requestHash, instanceId, now, now + leaseMs, now + ttlMs];
      const inserted = await changes(client, `INSERT INTO idempotency_keys (key, request_hash, state, owner, created_at, lease_until, expires_at)
        VALUES ($1, $2, 'IN_PROGRESS', $3, $4, $5, $6) ON CONFLICT (key) DO NOTHING`, claim);
      if (inserted === 1) return { state: 'CLAIMED' };
      // Taken already: locked until this transaction ends, so of two claims of an expired key one wins.
      const [row] = await rows<KeyRow>(client, 'SELECT request_hash, state, response, lease_until, expires_at FROM idempotency_keys WHERE key = $1 FOR UPDATE', [bytes(key)]);
      const expired = row.expires_at <= now;
      const abandoned = row.state === 'IN_PROGRESS' && row.lease_until !== null && row.lease_until <= now;
      if (abandoned && !expired && row.response !== null) {
        if (row.request_hash !== requestHash) return { state: 'MISMATCH' };
        await client.query(`UPDATE idempotency_keys SET state = 'DONE', owner = NULL, lease_until = NULL WHERE key = $1`, [bytes(key)]);
        return { state: 'DONE', response: fromJson(row.response) };
      }
      if (expired || abandoned) {
        await client.query(`UPDATE idempotency_keys SET request_hash = $2, state = 'IN_PROGRESS', response = NULL, owner = $3, created_at = $4, lease_until = $5, expires_at = $6
          WHERE key = $1`, claim);
        return { state: 'CLAIMED' };
      }
      if (row.request_hash !== requestHash) return { state: 'MISMATCH' };
      return row.state === 'DONE' ? { state: 'DONE', response: fromJson(row.response) } : { state: 'IN_PROGRESS' };
    }),
    async completeIdempotencyKey(key, response) {
      const done = await changes(pool, `UPDATE idempotency_keys SET state = 'DONE', response = $1, owner = NULL, lease_until = NULL WHERE key = $2 AND state = 'IN_PROGRESS'`,
        [toJson(response), bytes(key)]);
      // The key is not named: it comes from the client, and this message may reach a log.
      if (done === 0) throw new Error('The idempotency key to complete is not claimed.');
    },
    async releaseIdempotencyKey(key) {
      await pool.query(`DELETE FROM idempotency_keys WHERE key = $1 AND state = 'IN_PROGRESS'`, [bytes(key)]);
    },
    purgeExpired: (now, limit) => changes(pool, `DELETE FROM idempotency_keys WHERE key IN (
      SELECT key FROM idempotency_keys WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2)`, [now, limit ?? null]),
  };
}
