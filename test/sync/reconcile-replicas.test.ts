/**
 * Reconciliation with two replicas on one PostgreSQL: asked at the same moment, they run one pass
 * between them, the other refuses as a replica does when its own pass is running, and sees the pass
 * as RUNNING. The readers are empty feeds that count their reads; the store is real.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../subgraphs/sync/store/postgres/store.ts';
import type { SyncStore } from '../../subgraphs/sync/store/types.ts';
import { startReconciler, type Reconciler } from '../../subgraphs/sync/reconcile/reconciler.ts';
import type { ReconcileReaders } from '../../subgraphs/sync/reconcile/readers.ts';
import type { WriteContext } from '../../subgraphs/sync/context.ts';
import { TEST_DATABASE_URL } from './support/store-backends.ts';

const SETTINGS = { lookbackMs: 0, orderGraceMs: 86_400_000, concurrency: 4 };
const PASS = { since: null, dryRun: false };

/** Feeds with no changes; the CRM feed's first read waits for `open` (a pass in progress), and every pass reads it once. */
function emptyReaders(gate: { reads: number; open: Promise<void> }): ReconcileReaders {
  const empty = { page: async () => ({ records: [], next: null }) };
  return {
    crm: {
      contacts: { page: async () => { gate.reads++; await gate.open; return { records: [], next: null }; } },
      contactIdsLinkedTo: async () => [],
      masterFieldTimes: async () => new Map(),
    },
    erp: { partners: empty, saleOrders: empty, saleOrdersByClientRefs: async () => new Map(), convert: async (total: unknown) => total },
    commerce: { customers: empty, orders: empty, ordersByNumbers: async () => new Map() },
  } as unknown as ReconcileReaders;
}

describe('reconciliation on two replicas of one PostgreSQL', () => {
  let schema: string;
  let stores: SyncStore[];
  let replicas: Reconciler[];
  let gate: { reads: number; open: Promise<void> };
  let open: () => void;

  beforeEach(async () => {
    schema = `sync_reconcile_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    stores = [await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'a' }), await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'b' })];
    gate = { reads: 0, open: new Promise((resolve) => { open = resolve; }) };
    replicas = stores.map((store) => startReconciler(
      { ctx: { store } as WriteContext, readers: emptyReaders(gate), settings: SETTINGS, now: Date.now },
      { intervalMs: 0, onError: () => undefined },
    ));
  });
  afterEach(async () => {
    open();
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(stores.map((s) => s.close()));
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA ${client.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  });

  const runsRecorded = async () => (await stores[0].lastRun())?.id ?? 0;

  it('run one pass when both are asked at once; the other refuses with CONFLICT, reports it RUNNING, and runs the next', async () => {
    const passes = replicas.map((r) => r.run(PASS));
    // The refusal comes at once; the pass that got the lease waits on its first read.
    const refused = await Promise.race(passes.map((p, i) => p.then(() => -1, (err: unknown) => ({ i, err }))));
    expect(refused).not.toBe(-1);
    const { i, err } = refused as { i: number; err: { message: string; extensions: { code: string } } };
    expect(err.extensions.code).toBe('CONFLICT');
    // The same refusal as for a second pass asked of the replica running it.
    const winner = replicas[1 - i];
    await expect(winner.run(PASS)).rejects.toMatchObject({ message: err.message, extensions: { code: 'CONFLICT' } });
    // The winner records its run just after taking the lease, before its first read: on a loaded machine the refusal can come first.
    await expect.poll(() => gate.reads, { timeout: 10_000, interval: 10 }).toBe(1);
    expect((await stores[i].lastRun())?.status).toBe('RUNNING');

    open();
    expect((await passes[1 - i]).status).toBe('DONE');
    expect(gate.reads).toBe(1);
    expect(await runsRecorded()).toBe(1);
    expect((await stores[i].lastRun())?.status).toBe('DONE');

    // The lease is free again: the replica that refused runs the next pass.
    expect((await replicas[i].run(PASS)).status).toBe('DONE');
    expect(gate.reads).toBe(2);
    expect(await runsRecorded()).toBe(2);
  });

  it('run one pass in all when many are asked of both at once', async () => {
    let refused = 0;
    const asked = Promise.allSettled(Array.from({ length: 6 }, (_, n) => replicas[n % 2].run(PASS).catch((err: unknown) => { refused += 1; throw err; })));
    // The gate opens once the other five were refused: opened at a fixed time, a loaded machine could let the
    // one pass end before a slow ask reached the lease, which then rightly ran a second pass of its own.
    await expect.poll(() => refused, { timeout: 10_000, interval: 10 }).toBe(5);
    open();
    const settled = await asked;
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => (s as PromiseRejectedResult).reason.extensions.code)).toEqual(Array(5).fill('CONFLICT'));
    expect(gate.reads).toBe(1);
    expect(await runsRecorded()).toBe(1);
  });

  it('skip a scheduled pass quietly while another replica runs one', async () => {
    const running = replicas[0].run(PASS);
    // Replica 0 holds the lease (its pass is reading) before the other's schedule starts: on a loaded machine
    // the scheduled pass could otherwise take the lease first and wait on the gate this test opens only later.
    await expect.poll(() => gate.reads, { timeout: 10_000, interval: 10 }).toBe(1);
    const errors: unknown[] = [];
    const scheduled = startReconciler(
      { ctx: { store: stores[1] } as WriteContext, readers: emptyReaders(gate), settings: SETTINGS, now: Date.now },
      { intervalMs: 50, onError: (err) => errors.push(err) },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await scheduled.stop();
    open();
    await running;
    expect(errors).toEqual([]);
    expect(gate.reads).toBe(1);
    expect(await runsRecorded()).toBe(1);
  });
});
