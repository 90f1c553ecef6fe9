/**
 * Internal to the PostgreSQL store: the reconciliation lease is a session advisory lock, taken with
 * pg_try_advisory_lock on a connection kept for the whole pass. The server lets go of it when that
 * connection ends, so a replica that crashes mid-pass never blocks the others' passes.
 */
import type { Pool, PoolClient } from 'pg';
import type { ReconcileStore } from '../types.ts';
import { rows } from '../../../shared/postgres/db.ts';

/**
 * The lock's two keys: a constant and the store's schema, so that stores in other schemas of one
 * database (tests side by side, a staging copy) run their passes independently.
 */
const RECONCILE_LOCK = `7151002, hashtext(current_schema())`;

export function postgresReconcileLease(lockPool: Pool): Pick<ReconcileStore, 'tryReconcileLease'> {
  return {
    async tryReconcileLease() {
      const client = await lockPool.connect();
      let taken: boolean;
      try {
        [{ taken }] = await rows<{ taken: boolean }>(client, `SELECT pg_try_advisory_lock(${RECONCILE_LOCK}) AS taken`);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      if (!taken) {
        client.release();
        return null;
      }
      // A connection that drops while it is lent out emits here: without a listener the process would crash.
      // The lease went with it; the pass finishes, and the release finds nothing to let go of.
      let lost: Error | null = null;
      const onError = (err: Error) => { lost = err; };
      client.on('error', onError);
      let held = true;
      return {
        async release() {
          if (!held) return;
          held = false;
          await unlock(client, lost);
          client.removeListener('error', onError);
        },
      };
    },
  };
}

/** Unlocks and returns the connection; one that has died (the lock went with it) is discarded. */
async function unlock(client: PoolClient, lost: Error | null): Promise<void> {
  if (lost) return client.release(lost);
  try {
    await client.query(`SELECT pg_advisory_unlock(${RECONCILE_LOCK})`);
    client.release();
  } catch (err) {
    client.release(err as Error);
  }
}

/** Whether no pass holds the lease right now; if so, no other replica can take it before `client`'s transaction ends. */
export async function reconcileLeaseFree(client: PoolClient): Promise<boolean> {
  const [{ free }] = await rows<{ free: boolean }>(client, `SELECT pg_try_advisory_xact_lock(${RECONCILE_LOCK}) AS free`);
  return free;
}
