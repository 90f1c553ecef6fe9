/** Retention of the sync store: what has outlived its retention is pruned in batches, what is newer or unfinished stays. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import type { InboxEventInput, SyncStore } from '../../subgraphs/sync/store/types.ts';
import type { RetentionConfig } from '../../subgraphs/sync/config.ts';
import { readSyncConfig } from '../../subgraphs/sync/config.ts';
import { startSyncRetention } from '../../subgraphs/sync/retention/sync-retention.ts';
import type { Pruning } from '../../subgraphs/shared/pruning.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const RETENTION: RetentionConfig = {
  outboxMs: 30 * DAY, inboxMs: 30 * DAY, discrepanciesMs: 30 * DAY, idempotencyKeyTtlMs: 24 * HOUR,
  // Two rows per transaction, so that every table here needs several batches.
  intervalMs: 3_600_000, batchSize: 2,
};

let clock: number;
let store: SyncStore;
let pruning: Pruning | undefined;

beforeEach(async () => {
  clock = T0;
  store = openSqliteStore(':memory:', { now: () => clock, idempotencyKeyTtlMs: RETENTION.idempotencyKeyTtlMs });
});
afterEach(async () => {
  await pruning?.stop();
  pruning = undefined;
  await store.close();
});

/** Prunes as the service does, at `at`. */
async function pruneAt(at: number): Promise<Record<string, number>> {
  clock = at;
  pruning ??= startSyncRetention(store, RETENTION, () => clock, (table, err) => { throw new Error(`${table}: ${String(err)}`); });
  return pruning.runOnce();
}

/** An intent with one entry per system in `statuses`, settled (and the intent completed) at `at`; returns its id. */
async function writeAt(at: number, statuses: ('APPLIED' | 'FAILED' | 'PENDING')[]): Promise<string> {
  clock = at;
  const { intent, entries } = await store.recordIntent({ kind: 'updateCustomer', subjectKey: `contact:${at}`, request: { phone: '+33142685353' } },
    statuses.map((_, i) => ({ system: (['CRM', 'ERP', 'COMMERCE'] as const)[i], recordKey: `rec:${at}:${i}`, operation: {} })));
  for (const [i, e] of entries.entries()) {
    if (statuses[i] === 'APPLIED') await store.markApplied(e.id, {});
    if (statuses[i] === 'FAILED') await store.markFailed(e.id, 'refused');
  }
  if (!await store.completeIntentIfDone(intent.id)) await store.releaseIntent(intent.id);
  return intent.id;
}

const shopEvent = (eventId: string, occurredAt: number): InboxEventInput => ({
  eventId, objectType: 'customer', objectId: '7001', occurredAt, topic: 'customers/update',
  payload: { id: 7001, email: 'dennis.hopper0@example.com', phone: '+33142685353', first_name: 'Dennis' },
});

describe('pruning the outbox', () => {
  it('deletes intents completed longer ago than the retention with their entries, and keeps newer and unfinished ones', async () => {
    const old = [await writeAt(T0, ['APPLIED', 'APPLIED']), await writeAt(T0 + 1, ['APPLIED', 'FAILED']), await writeAt(T0 + 2, ['APPLIED'])];
    const stillPending = await writeAt(T0 + 3, ['APPLIED', 'PENDING']);
    const recent = await writeAt(T0 + 10 * DAY, ['APPLIED', 'APPLIED', 'APPLIED']);

    const deleted = await pruneAt(T0 + 30 * DAY + 3);

    expect(deleted.outbox).toBe(3);
    for (const id of old) expect([await store.getIntent(id), await store.intentEntries(id)]).toEqual([null, []]);
    expect((await store.getIntent(stillPending))?.status).toBe('OPEN');
    expect((await store.intentEntries(stillPending)).map((e) => e.status)).toEqual(['APPLIED', 'PENDING']);
    expect(await store.intentEntries(recent)).toHaveLength(3);
  });

  it('keeps an intent completed exactly at the cut-off', async () => {
    const id = await writeAt(T0, ['APPLIED']);
    expect((await pruneAt(T0 + 30 * DAY)).outbox).toBe(0);
    expect((await store.getIntent(id))?.status).toBe('DONE');
  });
});

describe('pruning the inbox', () => {
  it('drops an event body as soon as the event is processed, and keeps it while the event is pending', async () => {
    await store.enqueueEvents('SHOPIFY', [shopEvent('e1', T0), shopEvent('e2', T0 + 1), shopEvent('e3', T0 + 2)], T0);
    const [e1, e2, e3] = await store.inboxEvents('SHOPIFY');
    await store.markEventDone(e1.seq, 'APPLIED', T0 + 5);
    await store.markEventFailed(e2.seq, 'refused', T0 + 5);
    await store.markEventRetry(e3.seq, 'down', T0 + 60_000);

    expect((await store.inboxEvents('SHOPIFY')).map((e) => [e.eventId, e.status, e.payload])).toEqual([
      ['e1', 'DONE', null],
      ['e2', 'FAILED', null],
      ['e3', 'PENDING', shopEvent('e3', T0 + 2).payload],
    ]);
  });

  it('deletes events processed longer ago than the retention, keeps newer and pending ones, and keeps the applied watermark', async () => {
    await store.enqueueEvents('SHOPIFY', ['a', 'b', 'c', 'd', 'e'].map((id, i) => shopEvent(id, T0 + i)), T0);
    const [a, b, c, d] = await store.inboxEvents('SHOPIFY');
    await store.markEventDone(a.seq, 'APPLIED', T0);
    await store.markEventDone(b.seq, 'STALE', T0);
    await store.markEventFailed(c.seq, 'refused', T0);
    await store.markEventDone(d.seq, 'APPLIED', T0 + 20 * DAY);

    expect((await pruneAt(T0 + 31 * DAY)).inbox).toBe(3);

    expect((await store.inboxEvents('SHOPIFY')).map((e) => [e.eventId, e.status])).toEqual([['d', 'DONE'], ['e', 'PENDING']]);
    expect(await store.appliedUpTo('SHOPIFY', 'customer', '7001')).toBe(T0 + 3);
  });
});

describe('pruning discrepancies', () => {
  const finding = (field: string) => ({
    kind: 'FIELD_MISMATCH' as const, system: 'ERP' as const, field, canonicalValue: '+33142685353', sourceValue: '0142685353',
    contactId: '101', orderId: null, detail: {},
  });
  const scope = { kinds: ['FIELD_MISMATCH' as const], systems: ['ERP' as const] };

  it('deletes discrepancies resolved longer ago than the retention and keeps open and recently resolved ones', async () => {
    await store.recordFindings('customer:101', scope, [finding('phone'), finding('email'), finding('name')], T0);
    await store.recordFindings('customer:102', scope, [finding('phone')], T0);
    const [phone, email, name] = await store.discrepancies({ contactId: null }, null, 10);
    await store.resolveDiscrepancy(phone.seq, 'ACCEPT_SOURCE', T0);
    await store.resolveDiscrepancy(email.seq, 'KEEP_CANONICAL', T0 + 1);
    await store.resolveDiscrepancy(name.seq, 'KEEP_CANONICAL', T0 + 15 * DAY);

    expect((await pruneAt(T0 + 40 * DAY)).discrepancies).toBe(2);

    expect((await store.discrepancies({}, null, 10)).map((x) => [x.subjectKey, x.field, x.resolution])).toEqual([
      ['customer:101', 'name', 'KEEP_CANONICAL'],
      ['customer:102', 'phone', null],
    ]);
  });
});

describe('pruning idempotency keys', () => {
  it('deletes keys past their TTL and keeps younger ones', async () => {
    for (const key of ['k1', 'k2', 'k3']) await store.claimIdempotencyKey(key, 'h', T0);
    await store.completeIdempotencyKey('k1', { ok: true });
    await store.claimIdempotencyKey('young', 'h', T0 + 23 * HOUR);

    expect((await pruneAt(T0 + 24 * HOUR)).idempotencyKeys).toBe(3);

    expect(await store.claimIdempotencyKey('young', 'other', T0 + 24 * HOUR)).toEqual({ state: 'MISMATCH' });
    expect(await store.claimIdempotencyKey('k1', 'other', T0 + 24 * HOUR)).toEqual({ state: 'CLAIMED' });
  });

  it('keeps keys for the configured TTL', async () => {
    await store.close();
    store = openSqliteStore(':memory:', { idempotencyKeyTtlMs: 2 * HOUR });
    await store.claimIdempotencyKey('k', 'h', T0);
    expect(await store.claimIdempotencyKey('k', 'other', T0 + 2 * HOUR - 1)).toEqual({ state: 'MISMATCH' });
    expect(await store.claimIdempotencyKey('k', 'other', T0 + 2 * HOUR)).toEqual({ state: 'CLAIMED' });
  });
});

describe('retention settings', () => {
  it('default to 30 days for the outbox, inbox and resolved discrepancies, 24 hours for idempotency keys, 500 rows every 5 minutes', async () => {
    expect(readSyncConfig({}).retention).toEqual({
      outboxMs: 30 * DAY, inboxMs: 30 * DAY, discrepanciesMs: 30 * DAY, idempotencyKeyTtlMs: 24 * HOUR, intervalMs: 300_000, batchSize: 500,
    });
  });

  it('are read from env and refused when not a positive integer', async () => {
    expect(readSyncConfig({ OUTBOX_RETENTION_DAYS: '7', INBOX_RETENTION_DAYS: '1', DISCREPANCY_RETENTION_DAYS: '90', IDEMPOTENCY_KEY_TTL_HOURS: '48', PRUNE_INTERVAL_MS: '60000', PRUNE_BATCH_SIZE: '100' }).retention)
      .toEqual({ outboxMs: 7 * DAY, inboxMs: DAY, discrepanciesMs: 90 * DAY, idempotencyKeyTtlMs: 48 * HOUR, intervalMs: 60_000, batchSize: 100 });
    expect(() => readSyncConfig({ INBOX_RETENTION_DAYS: '0' })).toThrow('INBOX_RETENTION_DAYS must be a positive integer: 0');
    expect(() => readSyncConfig({ PRUNE_BATCH_SIZE: 'many' })).toThrow('PRUNE_BATCH_SIZE must be a positive integer: many');
  });
});
