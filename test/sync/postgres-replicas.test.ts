/**
 * Two PostgreSQL stores on one schema, as two sync replicas: what one holds or claims the other leaves
 * alone until it lapses, a webhook event or idempotency key exists once, and a record's lock is one.
 */
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../subgraphs/sync/store/postgres/store.ts';
import { GraphQLError } from 'graphql';
import { KeyedLock } from '../../subgraphs/sync/writes/locks.ts';
import { RecordLockTimeout, SUPERSEDED_VERSION_TTL_MS, VersionSuperseded, type IntentAnswer, type SyncStore } from '../../subgraphs/sync/store/types.ts';
import { TEST_DATABASE_URL } from './support/store-backends.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const LEASES = { holdMs: 10_000, claimMs: 5_000, idempotencyMs: 20_000 };

/** `held` resolves once the lock's holder runs (`holds`): a fixed sleep could let B ask first on a loaded machine. */
function holdSignal(): { held: Promise<void>; holds: () => void } {
  let holds!: () => void;
  const held = new Promise<void>((resolve) => { holds = resolve; });
  return { held, holds };
}

describe('two replicas on one PostgreSQL', () => {
  let schema: string;
  let a: SyncStore;
  let b: SyncStore;

  beforeEach(async () => {
    schema = `sync_replicas_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    a = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'a', now: () => T0, leases: LEASES });
    b = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'b', now: () => T0, leases: LEASES });
  });
  afterEach(async () => {
    await Promise.all([a.close(), b.close()]);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA ${client.escapeIdentifier(schema)} CASCADE`);
    await client.end();
  });

  const record = (store: SyncStore, n: number, answer?: IntentAnswer) => store.recordIntent({ kind: 'updateCustomer', subjectKey: `contact:${n}`, request: {} },
    [{ system: 'ERP', recordKey: `ERP:${n}`, operation: { n } }, { system: 'COMMERCE', recordKey: `COMMERCE:${n}`, operation: { n } }], answer);

  it('gives each due entry to one replica, and a crashed replica\'s entries to the other once its claim lapses', async () => {
    for (let n = 0; n < 20; n++) await a.releaseIntent((await record(a, n)).intent.id);
    const [takenByA, takenByB] = await Promise.all([a.dueEntries(T0, 15), b.dueEntries(T0, 15)]);
    expect(takenByA.length + takenByB.length).toBe(30);
    expect(new Set([...takenByA, ...takenByB].map((e) => e.id)).size).toBe(30);
    // B sees the ten nobody took and its own claims again (it asks only once they are settled), never A's.
    expect(await b.dueEntries(T0, 100)).toHaveLength(40 - takenByA.length);
    // A dies with its entries claimed: B takes them once the claim has run out, not before.
    const ofA = new Set(takenByA.map((e) => e.id));
    expect((await b.dueEntries(T0 + LEASES.claimMs - 1, 100)).filter((e) => ofA.has(e.id))).toEqual([]);
    expect((await b.dueEntries(T0 + LEASES.claimMs, 100)).filter((e) => ofA.has(e.id))).toHaveLength(takenByA.length);
  });

  it('claims no more of a system than its cap: the rest are due at once for the other replica', async () => {
    for (let n = 0; n < 5; n++) await a.releaseIntent((await record(a, n)).intent.id);
    const takenByA = await a.dueEntries(T0, 100, [], { ERP: 2 });
    expect(takenByA.map((e) => e.system).sort()).toEqual(['COMMERCE', 'COMMERCE', 'COMMERCE', 'COMMERCE', 'COMMERCE', 'ERP', 'ERP']);
    expect((await b.dueEntries(T0, 100)).map((e) => e.recordKey)).toEqual(['ERP:2', 'ERP:3', 'ERP:4']);
  });

  it('completes an intent a dead replica left OPEN with nothing pending once its hold has lapsed', async () => {
    const { intent, entries } = await record(a, 1);
    for (const entry of entries) await a.markApplied(entry.id);
    expect(await b.completeSettledIntents(T0 + LEASES.holdMs - 1)).toEqual([]);
    expect(await b.completeSettledIntents(T0 + LEASES.holdMs)).toEqual([intent.id]);
  });

  it('leaves an intent held by a request on the other replica alone until the hold lapses', async () => {
    const { entries } = await record(a, 1);
    expect(await b.dueEntries(T0, 10)).toEqual([]);
    expect((await b.dueEntries(T0 + LEASES.holdMs, 10)).map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it('lets go at once of what a replica held when it restarts under the same name (host and port)', async () => {
    const { entries } = await record(a, 1);
    await a.claimIdempotencyKey('k', 'h', T0);
    const restarted = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'a', now: () => T0, leases: LEASES });
    try {
      expect((await b.dueEntries(T0, 10)).map((e) => e.id)).toEqual(entries.map((e) => e.id));
      expect(await b.claimIdempotencyKey('k', 'h', T0)).toEqual({ state: 'CLAIMED' });
    } finally {
      await restarted.close();
    }
  });

  it('claims an idempotency key once across replicas, and lets a retry run again once the claimer\'s lease lapses', async () => {
    const claims = await Promise.all([a.claimIdempotencyKey('k', 'h', T0), b.claimIdempotencyKey('k', 'h', T0)]);
    expect(claims.map((c) => c.state).sort()).toEqual(['CLAIMED', 'IN_PROGRESS']);
    expect(await b.claimIdempotencyKey('k', 'h', T0 + LEASES.idempotencyMs - 1)).toEqual({ state: 'IN_PROGRESS' });
    expect(await b.claimIdempotencyKey('k', 'h', T0 + LEASES.idempotencyMs)).toEqual({ state: 'CLAIMED' });
  });

  it('answers a key whose request recorded its intent with that write\'s answer once the claimer\'s lease lapses, or it restarts', async () => {
    for (const key of ['k1', 'k2']) await a.claimIdempotencyKey(key, 'h', T0);
    const answer = (key: string) => ({ key, response: (intentId: string) => ({ writeId: intentId }) });
    const { intent: first } = await record(a, 1, answer('k1'));
    const { intent: second } = await record(a, 2, answer('k2'));
    expect(await b.claimIdempotencyKey('k1', 'h', T0 + LEASES.idempotencyMs - 1)).toEqual({ state: 'IN_PROGRESS' });
    expect(await b.claimIdempotencyKey('k1', 'other', T0 + LEASES.idempotencyMs)).toEqual({ state: 'MISMATCH' });
    expect(await b.claimIdempotencyKey('k1', 'h', T0 + LEASES.idempotencyMs)).toEqual({ state: 'DONE', response: { writeId: first.id } });
    const restarted = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'a', now: () => T0, leases: LEASES });
    try {
      expect(await b.claimIdempotencyKey('k2', 'h', T0)).toEqual({ state: 'DONE', response: { writeId: second.id } });
    } finally {
      await restarted.close();
    }
  });

  it('stores a webhook event delivered to both replicas at once once, and gives it to one of them', async () => {
    const event = { eventId: 'e1', objectType: 'contact', objectId: '101', occurredAt: T0 - 10, topic: 'contact.propertyChange', payload: { n: 1 } };
    const stored = await Promise.all([a.enqueueEvents('HUBSPOT', [event], T0), b.enqueueEvents('HUBSPOT', [event], T0)]);
    expect(stored.map((s) => s.accepted).sort()).toEqual([0, 1]);
    const [dueA, dueB] = await Promise.all([a.dueEvents(T0, 10), b.dueEvents(T0, 10)]);
    expect(dueA.length + dueB.length).toBe(1);
  });

  it('runs one record\'s locked work one replica at a time, and gives up after waitMs', async () => {
    let release!: () => void;
    const { held, holds } = holdSignal();
    const holding = a.withRecordLock('customer:101', () => new Promise<void>((resolve) => { release = resolve; holds(); }));
    await held;
    await expect(b.withRecordLock('customer:101', async () => 'ran', 200)).rejects.toBeInstanceOf(RecordLockTimeout);
    expect(await b.withRecordLock('customer:102', async () => 'other record', 200)).toBe('other record');
    const waiting = b.withRecordLock('customer:101', async () => 'after a', 5000);
    release();
    await holding;
    expect(await waiting).toBe('after a');
  });

  it('refuses a write waiting on B as soon as A supersedes the version it expects, long before its wait would end', async () => {
    const key = 'customer:103';
    let release!: () => void;
    const { held, holds } = holdSignal();
    const holding = a.withRecordLock(key, () => new Promise<void>((resolve) => { release = resolve; holds(); }));
    await held;
    const ran: string[] = [];
    const stale = b.withRecordLock(key, async () => void ran.push('v1'), 5000, 'v1');
    const other = b.withRecordLock(key, async () => void ran.push('v2'), 5000, 'v2');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const superseded = Date.now();
    await a.supersedeVersion(key, 'v1', { systems: ['CRM'], currentVersion: 'v9' });
    const refusal = await stale.catch((err: unknown) => err);
    // Generous for a loaded machine, and still far below the 5 s wait.
    expect(Date.now() - superseded).toBeLessThan(1500);
    expect(refusal).toBeInstanceOf(VersionSuperseded);
    expect((refusal as VersionSuperseded).superseded).toEqual({ systems: ['CRM'], currentVersion: 'v9' });
    // Another version goes on waiting, and runs once A lets go; a write of v1 arriving later is refused even with the lock free.
    release();
    await holding;
    await other;
    expect(ran).toEqual(['v2']);
    await expect(b.withRecordLock(key, async () => 'ran', 5000, 'v1')).rejects.toBeInstanceOf(VersionSuperseded);
  });

  it('refuses every write of a version queued on replica B at once when A commits to a write of it', async () => {
    const [lockA, lockB] = [new KeyedLock(a), new KeyedLock(b)];
    const key = 'customer:104';
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => { commit = resolve; });
    let finish!: () => void;
    const { held, holds } = holdSignal();
    const winner = lockA.run(key, async (claim) => {
      holds();
      await committed;
      claim.commit(['CRM', 'ERP']);
      await new Promise<void>((resolve) => { finish = resolve; });
      return 'written';
    }, { version: 'v1', waitMs: 5000 });
    await held;
    // The first of B's writes waits in PostgreSQL, the others in B's queue behind it.
    const losers = Array.from({ length: 3 }, () => lockB.run(key, async () => 'ran', { version: 'v1', waitMs: 5000 }).catch((err: unknown) => err));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    commit();
    const refusals = await Promise.all(losers);
    expect(Date.now() - started).toBeLessThan(1500);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(GraphQLError);
      expect((refusal as GraphQLError).extensions).toEqual({ code: 'VERSION_CONFLICT', systems: ['CRM', 'ERP'] });
    }
    finish();
    expect(await winner).toBe('written');
  });

  it('forgets a superseded version after SUPERSEDED_VERSION_TTL_MS, as the next one is recorded', async () => {
    await a.supersedeVersion('customer:107', 'v1', { systems: ['CRM'], currentVersion: null });
    const later = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'c', now: () => T0 + SUPERSEDED_VERSION_TTL_MS + 1 });
    try {
      await expect(b.withRecordLock('customer:107', async () => 'ran', 1000, 'v1')).rejects.toBeInstanceOf(VersionSuperseded);
      await later.supersedeVersion('customer:108', 'v1', { systems: ['CRM'], currentVersion: null });
      expect(await b.withRecordLock('customer:107', async () => 'ran', 1000, 'v1')).toBe('ran');
    } finally {
      await later.close();
    }
  });

  it('bounds the wait for a connection to hold a record lock on by waitMs too', async () => {
    const small = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'c', now: () => T0, lockPoolSize: 1 });
    try {
      let release!: () => void;
      const holding = small.withRecordLock('customer:105', () => new Promise<void>((resolve) => { release = resolve; }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      let ran = false;
      await expect(small.withRecordLock('customer:106', async () => { ran = true; }, 200)).rejects.toBeInstanceOf(RecordLockTimeout);
      expect(Date.now() - started).toBeLessThan(1500);
      // A write whose version was superseded meanwhile is told so, rather than that it waited too long.
      await a.supersedeVersion('customer:106', 'v1', { systems: ['ERP'], currentVersion: null });
      await expect(small.withRecordLock('customer:106', async () => { ran = true; }, 200, 'v1')).rejects.toMatchObject({ name: 'VersionSuperseded', superseded: { systems: ['ERP'], currentVersion: null } });
      expect(ran).toBe(false);
      release();
      await holding;
      // The connection that came too late went back to the pool.
      expect(await small.withRecordLock('customer:106', async () => 'now', 2000)).toBe('now');
    } finally {
      await small.close();
    }
  });

  it('keeps record locks of stores in other schemas of the database apart', async () => {
    const otherSchema = `${schema}_other`;
    const other = await openPostgresStore(TEST_DATABASE_URL, { schema: otherSchema, instanceId: 'c', now: () => T0, leases: LEASES });
    try {
      const inOther = await a.withRecordLock('customer:101', () => other.withRecordLock('customer:101', async () => 'not held here', 200));
      expect(inOther).toBe('not held here');
    } finally {
      await other.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA ${client.escapeIdentifier(otherSchema)} CASCADE`);
      await client.end();
    }
  });

  it('survives the connection holding a record lock dropping mid-write: the work ends, the lock is free', async () => {
    const key = `customer:${Math.random()}`;
    let held!: () => void;
    const lockTaken = new Promise<void>((resolve) => { held = resolve; });
    const holding = a.withRecordLock(key, async () => {
      held();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return 'finished';
    });
    await lockTaken;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      // pg_advisory_xact_lock(bigint) shows as classid (high 32 bits) and objid (low 32 bits), objsubid 1; the key names the schema.
      const { rows } = await admin.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
        AND ((classid::bigint << 32) | objid::bigint) = hashtextextended($2 || ':record:' || $1, 0)`, [key, schema]);
      expect(rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    } finally {
      await admin.end();
    }
    expect(await holding).toBe('finished');
    expect(await b.withRecordLock(key, async () => 'free', 2000)).toBe('free');
    expect(await a.withRecordLock(key, async () => 'again', 2000)).toBe('again');
  });

  it('runs one reconciliation pass at a time across replicas, and a crashed holder\'s lease passes to the other at once', async () => {
    const ofA = await a.tryReconcileLease();
    expect(ofA).not.toBeNull();
    expect(await b.tryReconcileLease()).toBeNull();
    // A replica opening meanwhile sees the pass in progress: its RUNNING run is not marked INTERRUPTED.
    await a.startRun({ dryRun: false, since: null, startedAt: T0 });
    const opened = await openPostgresStore(TEST_DATABASE_URL, { schema, instanceId: 'c', now: () => T0 });
    await opened.close();
    expect((await b.lastRun())?.status).toBe('RUNNING');

    // A dies mid-pass: its connection ends, and the server lets go of the lease with it.
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
        AND classid = 7151002 AND objid = hashtext($1)::oid AND objsubid = 2`, [schema]);
      expect(rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0].pid]);
    } finally {
      await admin.end();
    }
    const ofB = await waitFor(() => b.tryReconcileLease());
    expect(ofB).not.toBeNull();
    expect(await a.tryReconcileLease()).toBeNull();
    await ofA!.release(); // on the dead connection: nothing to let go of, and no error
    expect(await a.tryReconcileLease()).toBeNull();
    await ofB!.release();
    const again = await a.tryReconcileLease();
    expect(again).not.toBeNull();
    await again!.release();
  });
});

/** `attempt` again every 20 ms until it returns something, for at most 2 s (a terminated backend ends a moment later). */
async function waitFor<T>(attempt: () => Promise<T | null>): Promise<T | null> {
  for (let tries = 0; tries < 100; tries++) {
    const result = await attempt();
    if (result !== null) return result;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return null;
}
