import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IntentInput, PlannedWrite, SyncStore, WriteSystem } from '../../subgraphs/sync/store/types.ts';
import { storeBackends } from './support/store-backends.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');

describe.each(storeBackends)('the outbox on $name', (backend) => {
  let clock: number;
  let store: SyncStore;

  beforeEach(async () => {
    clock = T0;
    store = await backend.open({ now: () => clock, instanceId: 'test' });
  });
  afterEach(async () => { await store.close(); });

  const update = (subjectKey = 'contact:101'): IntentInput => ({ kind: 'updateCustomer', subjectKey, request: { phone: '+33142685353' } });
  const write = (system: WriteSystem, recordKey: string, n = 1): PlannedWrite => ({ system, recordKey, operation: { n } });

  /** Records an intent and hands it to the worker at once, as a request that queued all its writes would. */
  async function queue(...writes: PlannedWrite[]) {
    const recorded = await store.recordIntent(update(), writes);
    await store.releaseIntent(recorded.intent.id);
    return recorded;
  }

  /** The due entries as "recordKey#n", the shape the ordering tests compare. */
  const due = async (now = clock, limit = 100) => (await store.dueEntries(now, limit)).map((e) => `${e.recordKey}#${(e.operation as { n: number }).n}`);

  describe('recordIntent', () => {
    it('records the intent and one PENDING entry per write, due now, with increasing seq', async () => {
      const { intent, entries } = await store.recordIntent(update(), [write('CRM', 'CRM:contact:101'), write('ERP', 'ERP:res.partner:42', 2)]);
      expect(intent).toEqual({
        id: expect.any(String), kind: 'updateCustomer', subjectKey: 'contact:101', request: { phone: '+33142685353' },
        status: 'OPEN', createdAt: T0, completedAt: null,
      });
      const pending = { intentId: intent.id, status: 'PENDING', attempts: 0, nextAttemptAt: T0, lastError: null, result: null, createdAt: T0 };
      expect(entries).toEqual([
        { id: expect.any(String), seq: 1, system: 'CRM', recordKey: 'CRM:contact:101', operation: { n: 1 }, ...pending },
        { id: expect.any(String), seq: 2, system: 'ERP', recordKey: 'ERP:res.partner:42', operation: { n: 2 }, ...pending },
      ]);
      expect(await store.getIntent(intent.id)).toEqual(intent);
      expect(await store.intentEntries(intent.id)).toEqual(entries);
    });

    it('numbers entries across intents in the order they were accepted', async () => {
      const first = await store.recordIntent(update(), [write('ERP', 'ERP:res.partner:42')]);
      const second = await store.recordIntent(update(), [write('CRM', 'CRM:contact:7'), write('ERP', 'ERP:res.partner:42')]);
      expect([...first.entries, ...second.entries].map((e) => e.seq)).toEqual([1, 2, 3]);
    });

    it('records nothing when one of the writes cannot be stored', async () => {
      const bad = { system: 'SOCIAL', recordKey: 'SOCIAL:1', operation: {} } as unknown as PlannedWrite;
      await expect(store.recordIntent(update(), [write('CRM', 'CRM:contact:101'), bad])).rejects.toThrow(/check constraint/i);
      expect(await store.hasPending('CRM', 'CRM:contact:101')).toBe(false);
      expect((await store.outboxStats(clock)).CRM).toEqual({ pending: 0, oldestPendingAgeMs: null });
    });

    it('holds the intent for the request: its entries are not due until it is released', async () => {
      const { intent } = await store.recordIntent(update(), [write('ERP', 'ERP:res.partner:42')]);
      expect(await due()).toEqual([]);
      await store.releaseIntent(intent.id);
      expect(await due()).toEqual(['ERP:res.partner:42#1']);
    });

    it('refuses to release an intent that does not exist', async () => {
      await expect(store.releaseIntent('nope')).rejects.toThrow('Intent nope does not exist.');
    });
  });

  describe('settling entries', () => {
    it('keeps the result of an applied entry and counts the attempt', async () => {
      const { entries: [entry] } = await queue(write('ERP', 'ERP:res.partner:42'));
      await store.markApplied(entry.id, { externalId: '42', wrote: true });
      expect(await store.intentEntries(entry.intentId)).toEqual([{ ...entry, status: 'APPLIED', attempts: 1, result: { externalId: '42', wrote: true } }]);
    });

    it('keeps a retry time with a fraction of a millisecond (jitter) as the next whole millisecond', async () => {
      const { entries: [entry] } = await queue(write('ERP', 'ERP:res.partner:42'));
      await store.markRetry(entry.id, 'ERP is unreachable.', T0 + 500.25);
      expect((await store.intentEntries(entry.intentId))[0].nextAttemptAt).toBeGreaterThanOrEqual(T0 + 500.25);
      expect(await due(T0 + 500)).toEqual([]);
      expect(await due(T0 + 501)).toEqual(['ERP:res.partner:42#1']);
    });

    it('keeps a retried entry PENDING with its error and next attempt time', async () => {
      const { entries: [entry] } = await queue(write('ERP', 'ERP:res.partner:42'));
      await store.markRetry(entry.id, 'ERP is unreachable.', T0 + 500);
      await store.markRetry(entry.id, 'ERP is unavailable (HTTP 503).', T0 + 1500);
      expect(await store.intentEntries(entry.intentId)).toEqual([{ ...entry, attempts: 2, lastError: 'ERP is unavailable (HTTP 503).', nextAttemptAt: T0 + 1500 }]);
    });

    it('fails an entry for good with the upstream reason', async () => {
      const { entries: [entry] } = await queue(write('COMMERCE', 'COMMERCE:Customer:9'));
      await store.markFailed(entry.id, 'Shopify refused the change: Phone is invalid');
      expect(await store.intentEntries(entry.intentId)).toEqual([{ ...entry, status: 'FAILED', attempts: 1, lastError: 'Shopify refused the change: Phone is invalid' }]);
    });

    it('refuses to settle an entry that is no longer PENDING, or does not exist', async () => {
      const { entries: [entry] } = await queue(write('ERP', 'ERP:res.partner:42'));
      await store.markApplied(entry.id);
      await expect(store.markApplied(entry.id)).rejects.toThrow(`Outbox entry ${entry.id} is APPLIED, not PENDING.`);
      await expect(store.markRetry(entry.id, 'x', T0)).rejects.toThrow(`Outbox entry ${entry.id} is APPLIED, not PENDING.`);
      await expect(store.markFailed('nope', 'x')).rejects.toThrow('Outbox entry nope does not exist.');
    });
  });

  describe('completing and cancelling intents', () => {
    it('completes an intent once none of its entries is PENDING', async () => {
      const { intent, entries: [crm, erp] } = await store.recordIntent(update(), [write('CRM', 'CRM:contact:101'), write('ERP', 'ERP:res.partner:42')]);
      await store.markApplied(crm.id);
      expect(await store.completeIntentIfDone(intent.id)).toBe(false);
      expect(await store.getIntent(intent.id)).toMatchObject({ status: 'OPEN', completedAt: null });
      clock = T0 + 2000;
      await store.markFailed(erp.id, 'Odoo refused the change: Invalid email');
      expect(await store.completeIntentIfDone(intent.id)).toBe(true);
      expect(await store.getIntent(intent.id)).toMatchObject({ status: 'DONE', completedAt: T0 + 2000 });
    });

    it('cancels the PENDING entries of an intent and leaves the settled ones alone', async () => {
      const { intent, entries: [crm] } = await store.recordIntent(update(), [write('CRM', 'CRM:contact:101'), write('ERP', 'ERP:res.partner:42'), write('COMMERCE', 'COMMERCE:Customer:9')]);
      await store.markApplied(crm.id);
      expect(await store.cancelIntent(intent.id)).toBe(2);
      expect((await store.intentEntries(intent.id)).map((e) => e.status)).toEqual(['APPLIED', 'CANCELLED', 'CANCELLED']);
      expect(await store.getIntent(intent.id)).toMatchObject({ status: 'DONE', completedAt: T0 });
      expect(await store.hasPending('ERP', 'ERP:res.partner:42')).toBe(false);
    });

    it('knows no intent it did not record', async () => {
      expect(await store.getIntent('nope')).toBeNull();
      expect(await store.intentEntries('nope')).toEqual([]);
      await expect(store.completeIntentIfDone('nope')).rejects.toThrow('Intent nope does not exist.');
      await expect(store.cancelIntent('nope')).rejects.toThrow('Intent nope does not exist.');
    });
  });

  describe('dueEntries', () => {
    it('returns only the earliest PENDING entry of each record, in seq order', async () => {
      await queue(write('ERP', 'ERP:res.partner:42', 1), write('COMMERCE', 'COMMERCE:Customer:9', 1));
      await queue(write('ERP', 'ERP:res.partner:42', 2), write('ERP', 'ERP:res.partner:43', 1));
      await queue(write('ERP', 'ERP:res.partner:42', 3));
      expect(await due()).toEqual(['ERP:res.partner:42#1', 'COMMERCE:Customer:9#1', 'ERP:res.partner:43#1']);
    });

    it('moves on to the next entry of a record once the earlier one has settled', async () => {
      const first = await queue(write('ERP', 'ERP:res.partner:42', 1));
      await queue(write('ERP', 'ERP:res.partner:42', 2));
      await store.markApplied(first.entries[0].id);
      expect(await due()).toEqual(['ERP:res.partner:42#2']);
    });

    it('never lets a later write to a record overtake an earlier one that is backing off', async () => {
      const first = await queue(write('ERP', 'ERP:res.partner:42', 1));
      await queue(write('ERP', 'ERP:res.partner:42', 2), write('CRM', 'CRM:contact:101', 1));
      await store.markRetry(first.entries[0].id, 'ERP is unreachable.', T0 + 1000);
      expect(await due(T0 + 999)).toEqual(['CRM:contact:101#1']);
      expect(await due(T0 + 1000)).toEqual(['ERP:res.partner:42#1', 'CRM:contact:101#1']);
    });

    it('never lets a later write to a record overtake an earlier one still held by its request', async () => {
      await store.recordIntent(update(), [write('ERP', 'ERP:res.partner:42', 1)]);
      await queue(write('ERP', 'ERP:res.partner:42', 2));
      expect(await due()).toEqual([]);
    });

    it('treats the same record key in two systems as two records', async () => {
      await queue(write('ERP', 'shared-key', 1));
      await queue(write('CRM', 'shared-key', 2));
      expect(await due()).toEqual(['shared-key#1', 'shared-key#2']);
    });

    it('returns at most `perSystem[system]` entries of a capped system, the earliest first', async () => {
      await queue(write('ERP', 'ERP:res.partner:1'), write('COMMERCE', 'COMMERCE:Customer:1'), write('ERP', 'ERP:res.partner:2'), write('ERP', 'ERP:res.partner:3'));
      const capped = await store.dueEntries(clock, 100, [], { ERP: 2 });
      expect(capped.map((e) => e.recordKey)).toEqual(['ERP:res.partner:1', 'COMMERCE:Customer:1', 'ERP:res.partner:2']);
    });

    it('returns at most `limit` entries, the earliest first', async () => {
      await queue(write('ERP', 'ERP:res.partner:1'), write('ERP', 'ERP:res.partner:2'), write('ERP', 'ERP:res.partner:3'));
      expect(await due(clock, 2)).toEqual(['ERP:res.partner:1#1', 'ERP:res.partner:2#1']);
    });
  });

  describe('completeSettledIntents', () => {
    it('completes the released intents left OPEN with nothing pending (their process died before completing them), and no others', async () => {
      const settled = await queue(write('ERP', 'ERP:res.partner:1'));
      await store.markApplied(settled.entries[0].id);
      const pending = await queue(write('ERP', 'ERP:res.partner:2'));
      const held = await store.recordIntent(update(), [write('ERP', 'ERP:res.partner:3')]);
      await store.markApplied(held.entries[0].id);
      expect(await store.completeSettledIntents(T0 + 5)).toEqual([settled.intent.id]);
      expect(await store.getIntent(settled.intent.id)).toMatchObject({ status: 'DONE', completedAt: T0 + 5 });
      expect((await store.getIntent(pending.intent.id))?.status).toBe('OPEN');
      expect((await store.getIntent(held.intent.id))?.status).toBe('OPEN');
      expect(await store.completeSettledIntents(T0 + 6)).toEqual([]);
    });
  });

  describe('hasPending', () => {
    it('tells whether a write to the record is still PENDING, optionally one accepted before a given seq', async () => {
      const { entries: [entry] } = await store.recordIntent(update(), [write('ERP', 'ERP:res.partner:42')]);
      expect(await store.hasPending('ERP', 'ERP:res.partner:42')).toBe(true);
      expect(await store.hasPending('ERP', 'ERP:res.partner:42', entry.seq)).toBe(false);
      expect(await store.hasPending('ERP', 'ERP:res.partner:42', entry.seq + 1)).toBe(true);
      expect(await store.hasPending('COMMERCE', 'ERP:res.partner:42')).toBe(false);
      await store.markApplied(entry.id);
      expect(await store.hasPending('ERP', 'ERP:res.partner:42')).toBe(false);
    });
  });

  describe('outboxStats', () => {
    it('counts the PENDING entries per system and the age of the oldest', async () => {
      const old = await queue(write('ERP', 'ERP:res.partner:42'), write('CRM', 'CRM:contact:101'));
      clock = T0 + 60_000;
      await queue(write('ERP', 'ERP:res.partner:43'));
      await store.markApplied(old.entries[1].id);
      expect(await store.outboxStats(T0 + 90_000)).toEqual({
        CRM: { pending: 0, oldestPendingAgeMs: null },
        ERP: { pending: 2, oldestPendingAgeMs: 90_000 },
        COMMERCE: { pending: 0, oldestPendingAgeMs: null },
      });
    });
  });
});
