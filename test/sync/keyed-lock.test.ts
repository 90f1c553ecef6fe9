/**
 * KeyedLock over a store's record locks: what a holder's commit tells the other replicas, and what
 * happens when the store cannot record it.
 */
import { describe, expect, it } from 'vitest';
import { KeyedLock } from '../../subgraphs/sync/writes/locks.ts';
import type { RecordLocks, Superseded } from '../../subgraphs/sync/store/types.ts';

/** Record locks that run every holder at once and keep what is superseded, or fail to. */
function recordLocks(failSupersede: boolean) {
  const told: { key: string; version: string; superseded: Superseded }[] = [];
  const locks: RecordLocks = {
    withRecordLock: (_key, work) => work(),
    supersedeVersion: async (key, version, superseded) => {
      if (failSupersede) throw new Error('connection terminated');
      told.push({ key, version, superseded });
    },
  };
  return { locks, told };
}

describe('KeyedLock', () => {
  it('tells the store that a committed version is superseded, for the other replicas', async () => {
    const { locks, told } = recordLocks(false);
    const lock = new KeyedLock(locks);
    await lock.run('contact:7', async (claim) => claim.commit(['CRM']), { version: 'v1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(told).toEqual([{ key: 'contact:7', version: 'v1', superseded: { systems: ['CRM'], currentVersion: null } }]);
  });

  it('reports a failure to record it, and still refuses this replica\'s later writes of that version', async () => {
    const { locks } = recordLocks(true);
    const failures: unknown[] = [];
    const lock = new KeyedLock(locks, (err) => failures.push(err));
    await lock.run('contact:7', async (claim) => claim.commit(['CRM']), { version: 'v1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(failures).toEqual([expect.objectContaining({ message: 'connection terminated' })]);
    await expect(lock.run('contact:7', async () => 'ran', { version: 'v1' })).rejects.toMatchObject({ extensions: { code: 'VERSION_CONFLICT' } });
  });
});
