import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { codedError } from '../../schema/errors.ts';
import { MIN_RETRY_DELAY_MS, startOutboxWorker, type OutboxEvent, type OutboxWorker, type OutboxWorkerOptions } from '../../subgraphs/sync/outbox/outbox-worker.ts';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import type { OutboxEntry, SyncStore, WriteSystem } from '../../subgraphs/sync/store/types.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');
let clock: number;
let store: SyncStore;
let worker: OutboxWorker | undefined;
let events: OutboxEvent[];

beforeEach(async () => {
  clock = T0;
  store = openSqliteStore(':memory:', { now: () => clock });
  events = [];
  worker = undefined;
});
afterEach(async () => {
  await worker?.stop();
  await store.close();
});

/** A worker on the test's store and clock: backoff 100 ms doubling up to 1 s, jitter fixed at one half. */
function start(apply: OutboxWorkerOptions['apply'], options: Partial<OutboxWorkerOptions> = {}): OutboxWorker {
  worker = startOutboxWorker({
    store, apply, intervalMs: 60_000, backoff: { baseMs: 100, maxMs: 1000 },
    now: () => clock, random: () => 0.5, onEvent: (e) => events.push(e), ...options,
  });
  return worker;
}

/** Records an intent with one write per [system, recordKey, n] and hands it to the worker. */
async function queue(...writes: [WriteSystem, string, number][]) {
  const recorded = await store.recordIntent({ kind: 'updateCustomer', subjectKey: 'contact:101', request: {} },
    writes.map(([system, recordKey, n]) => ({ system, recordKey, operation: { n } })));
  await store.releaseIntent(recorded.intent.id);
  return recorded;
}

const label = (e: OutboxEntry): string => `${e.recordKey}#${(e.operation as { n: number }).n}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unavailable = () => codedError('UPSTREAM_UNAVAILABLE', 'ERP is unreachable.', { system: 'ERP' });

/** An apply that logs when each write starts and ends, and takes one turn of the event loop. */
function loggingApply(log: string[]): OutboxWorkerOptions['apply'] {
  return async (entry) => {
    log.push(`start ${label(entry)}`);
    await new Promise((resolve) => setImmediate(resolve));
    log.push(`end ${label(entry)}`);
  };
}

/** An apply that blocks until `finish` is called; `started` resolves on its first call. */
function blockingApply() {
  const calls: string[] = [];
  let finish!: () => void;
  let started!: () => void;
  const startedOnce = new Promise<void>((resolve) => (started = resolve));
  const apply = (entry: OutboxEntry) => {
    calls.push(label(entry));
    started();
    return new Promise<void>((resolve) => (finish = resolve));
  };
  return { calls, apply, started: startedOnce, finish: () => finish() };
}

describe('outbox worker: order', () => {
  it('applies the writes to one record one at a time in the order they were accepted, and different records side by side', async () => {
    await queue(['ERP', 'ERP:42', 1], ['COMMERCE', 'COMMERCE:9', 1]);
    await queue(['ERP', 'ERP:42', 2]);
    await queue(['ERP', 'ERP:42', 3], ['COMMERCE', 'COMMERCE:9', 2]);
    const log: string[] = [];
    await start(loggingApply(log)).drain();
    expect(log).toEqual([
      'start ERP:42#1', 'start COMMERCE:9#1', 'end ERP:42#1', 'end COMMERCE:9#1',
      'start ERP:42#2', 'start COMMERCE:9#2', 'end ERP:42#2', 'end COMMERCE:9#2',
      'start ERP:42#3', 'end ERP:42#3',
    ]);
  });

  it('takes at most batchSize entries at once', async () => {
    await queue(['ERP', 'ERP:1', 1], ['ERP', 'ERP:2', 1], ['ERP', 'ERP:3', 1]);
    const log: string[] = [];
    await start(loggingApply(log), { batchSize: 2 }).drain();
    expect(log).toEqual(['start ERP:1#1', 'start ERP:2#1', 'end ERP:1#1', 'end ERP:2#1', 'start ERP:3#1', 'end ERP:3#1']);
  });

  it('never lets a later write to a record overtake an earlier one that is backing off', async () => {
    await queue(['ERP', 'ERP:42', 1]);
    await queue(['ERP', 'ERP:42', 2], ['CRM', 'CRM:101', 1]);
    const calls: string[] = [];
    const w = start(async (entry) => {
      calls.push(label(entry));
      if (calls.length === 1) throw unavailable();
    });
    await w.drain();
    expect(calls).toEqual(['ERP:42#1', 'CRM:101#1']);
    clock += 1000;
    await w.drain();
    expect(calls).toEqual(['ERP:42#1', 'CRM:101#1', 'ERP:42#1', 'ERP:42#2']);
  });

  it('leaves an intent held by its request alone until it is released', async () => {
    const { intent } = await store.recordIntent({ kind: 'cancelOrder', subjectKey: 'order:1', request: {} }, [{ system: 'ERP', recordKey: 'ERP:7', operation: { n: 1 } }]);
    const calls: string[] = [];
    const w = start(async (entry) => void calls.push(label(entry)));
    await w.drain();
    expect(calls).toEqual([]);
    await store.releaseIntent(intent.id);
    await w.drain();
    expect(calls).toEqual(['ERP:7#1']);
  });
});

describe('outbox worker: outcomes', () => {
  it('keeps what apply returns on the entry and completes the intent', async () => {
    const { intent, entries } = await queue(['CRM', 'CRM:101', 1], ['ERP', 'ERP:42', 1]);
    await start(async (entry) => ({ externalId: entry.recordKey.split(':')[1], wrote: true })).drain();
    expect(await store.intentEntries(intent.id)).toEqual([
      { ...entries[0], status: 'APPLIED', attempts: 1, result: { externalId: '101', wrote: true } },
      { ...entries[1], status: 'APPLIED', attempts: 1, result: { externalId: '42', wrote: true } },
    ]);
    expect(await store.getIntent(intent.id)).toMatchObject({ status: 'DONE', completedAt: T0 });
    expect(events).toEqual([
      { type: 'applied', entryId: entries[0].id, intentId: intent.id, system: 'CRM', attempts: 1 },
      { type: 'applied', entryId: entries[1].id, intentId: intent.id, system: 'ERP', attempts: 1 },
      { type: 'intent-done', intentId: intent.id },
    ]);
  });

  it('retries UPSTREAM_UNAVAILABLE with exponential backoff and full jitter until it is applied', async () => {
    const { intent, entries: [entry] } = await queue(['ERP', 'ERP:42', 1]);
    let calls = 0;
    const w = start(async () => {
      calls += 1;
      if (calls <= 5) throw unavailable();
    });
    await w.drain();
    await w.drain();
    expect(calls).toBe(1);
    for (let i = 0; i < 5; i++) {
      clock = (await store.intentEntries(intent.id))[0].nextAttemptAt;
      await w.drain();
    }
    expect(calls).toBe(6);
    expect(events.filter((e) => e.type === 'retry')).toEqual([50, 100, 200, 400, 500].map((delayMs, i) => (
      { type: 'retry', delayMs, throttled: false, entryId: entry.id, intentId: intent.id, system: 'ERP', attempts: i + 1 })));
    expect(clock).toBe(T0 + 1250);
    expect(await store.intentEntries(intent.id)).toEqual([{ ...entry, status: 'APPLIED', attempts: 6, lastError: 'ERP is unreachable.', nextAttemptAt: T0 + 1250 }]);
    expect(events.slice(-2)).toEqual([
      { type: 'applied', entryId: entry.id, intentId: intent.id, system: 'ERP', attempts: 6 },
      { type: 'intent-done', intentId: intent.id },
    ]);
  });

  it(`never retries sooner than ${MIN_RETRY_DELAY_MS} ms, even when the jitter draws 0`, async () => {
    const { intent } = await queue(['ERP', 'ERP:42', 1]);
    await start(async () => { throw unavailable(); }, { random: () => 0 }).drain();
    expect((await store.intentEntries(intent.id))[0]).toMatchObject({ status: 'PENDING', attempts: 1, nextAttemptAt: T0 + MIN_RETRY_DELAY_MS });
  });

  it('fails an entry for good on any other error, keeping its message, and never tries it again', async () => {
    const { intent, entries: [shop, erp] } = await queue(['COMMERCE', 'COMMERCE:9', 1], ['ERP', 'ERP:42', 1]);
    let calls = 0;
    const w = start(async (entry) => {
      calls += 1;
      throw entry.system === 'COMMERCE' ? codedError('BAD_USER_INPUT', 'Shopify refused the change: Phone is invalid') : new Error('boom');
    });
    await w.drain();
    clock += 60_000;
    await w.drain();
    expect(calls).toBe(2);
    expect(await store.intentEntries(intent.id)).toEqual([
      { ...shop, status: 'FAILED', attempts: 1, lastError: 'Shopify refused the change: Phone is invalid' },
      { ...erp, status: 'FAILED', attempts: 1, lastError: 'boom' },
    ]);
    expect(events).toEqual([
      { type: 'failed', code: 'BAD_USER_INPUT', entryId: shop.id, intentId: intent.id, system: 'COMMERCE', attempts: 1 },
      { type: 'failed', code: null, entryId: erp.id, intentId: intent.id, system: 'ERP', attempts: 1 },
      { type: 'intent-done', intentId: intent.id },
    ]);
  });
});

describe('outbox worker: lifecycle', () => {
  it('starts with a tick of its own, so entries left by a previous process are applied', async () => {
    const { intent } = await queue(['ERP', 'ERP:42', 1]);
    start(async () => undefined);
    await vi.waitFor(async () => expect((await store.getIntent(intent.id))?.status).toBe('DONE'));
  });

  it('stop() waits for the tick in flight, and then ticks no more', async () => {
    const { intent } = await queue(['ERP', 'ERP:42', 1]);
    const blocking = blockingApply();
    const w = start(blocking.apply, { intervalMs: 5 });
    await blocking.started;
    let stopped = false;
    const stopping = w.stop().then(() => (stopped = true));
    await sleep(30);
    expect(stopped).toBe(false);
    blocking.finish();
    await stopping;
    expect((await store.intentEntries(intent.id))[0].status).toBe('APPLIED');
    await queue(['ERP', 'ERP:43', 1]);
    await sleep(30);
    expect(blocking.calls).toEqual(['ERP:42#1']);
  });

  it('runs one tick at a time: drain waits for the tick in flight', async () => {
    const { intent } = await queue(['ERP', 'ERP:42', 1]);
    const blocking = blockingApply();
    const w = start(blocking.apply, { intervalMs: 1 });
    await blocking.started;
    const drained = w.drain();
    await sleep(30);
    expect(blocking.calls).toEqual(['ERP:42#1']);
    blocking.finish();
    await drained;
    expect(blocking.calls).toEqual(['ERP:42#1']);
    expect((await store.intentEntries(intent.id))[0].status).toBe('APPLIED');
  });

  it('reports a failing store as an event and tries again on the next tick', async () => {
    const { intent } = await queue(['ERP', 'ERP:42', 1]);
    let failures = 1;
    const flaky: SyncStore = {
      ...store,
      async dueEntries(now, limit) {
        if (failures-- > 0) throw new Error('database is locked');
        return store.dueEntries(now, limit);
      },
    };
    start(async () => undefined, { store: flaky, intervalMs: 5 });
    await vi.waitFor(async () => expect((await store.getIntent(intent.id))?.status).toBe('DONE'));
    expect(events.map((e) => e.type)).toEqual(['tick-failed', 'applied', 'intent-done']);
    expect(events[0]).toEqual({ type: 'tick-failed', message: 'database is locked' });
  });

  it('rejects drain() when the store fails', async () => {
    const broken: SyncStore = { ...store, dueEntries: async () => { throw new Error('disk I/O error'); } };
    await expect(start(async () => undefined, { store: broken }).drain()).rejects.toThrow('disk I/O error');
  });

  it('keeps going when the onEvent hook throws', async () => {
    const { intent } = await queue(['ERP', 'ERP:42', 1], ['CRM', 'CRM:101', 1]);
    await start(async () => undefined, { onEvent: () => { throw new Error('logger down'); } }).drain();
    expect((await store.getIntent(intent.id))?.status).toBe('DONE');
  });

  it('refuses options that are not positive numbers, naming the value', async () => {
    const base = { store, apply: async () => undefined, intervalMs: 10, backoff: { baseMs: 100, maxMs: 1000 } };
    expect(() => startOutboxWorker({ ...base, intervalMs: 0 })).toThrow('intervalMs must be a positive number: 0');
    expect(() => startOutboxWorker({ ...base, backoff: { baseMs: -1, maxMs: 1000 } })).toThrow('backoff.baseMs must be a positive number: -1');
    expect(() => startOutboxWorker({ ...base, backoff: { baseMs: 100, maxMs: Number.NaN } })).toThrow('backoff.maxMs must be a positive number: NaN');
    expect(() => startOutboxWorker({ ...base, batchSize: 0 })).toThrow('batchSize must be a positive number: 0');
  });
});
