/** The reconciliation half of the store (SQLite and PostgreSQL): cursors only move forward, findings replace a subject's discrepancies, runs and failures. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import type { DiscrepancyFinding, DiscrepancyKind, SyncStore, WriteSystem } from '../../subgraphs/sync/store/types.ts';
import { storeBackends } from './support/store-backends.ts';

const T0 = Date.parse('2026-11-20T12:00:00.000Z');

describe.each(storeBackends)('reconciliation state on $name', (backend) => {
  let store: SyncStore;

  beforeEach(async () => { store = await backend.open({ instanceId: 'test' }); });
  afterEach(async () => { await store.close(); });

  const phone = (source: string): DiscrepancyFinding => ({
    kind: 'FIELD_MISMATCH', system: 'ERP', field: 'phone', canonicalValue: '+33142685353', sourceValue: source,
    contactId: '101', orderId: null, detail: { version: 'v1' },
  });
  const scope: { kinds: DiscrepancyKind[]; systems: WriteSystem[] } = { kinds: ['FIELD_MISMATCH', 'AMBIGUOUS_EMAIL', 'BROKEN_LINK'], systems: ['ERP', 'COMMERCE'] };

  describe('cursors', () => {
    it('start unset and only move forward', async () => {
      expect(await store.cursor('ERP:partners')).toBeNull();
      await store.advanceCursor('ERP:partners', T0, T0);
      await store.advanceCursor('ERP:partners', T0 - 1000, T0 + 1);
      expect(await store.cursor('ERP:partners')).toBe(T0);
      await store.advanceCursor('ERP:partners', T0 + 5, T0 + 2);
      expect(await store.cursors()).toEqual([{ feed: 'ERP:partners', position: T0 + 5, updatedAt: T0 + 2 }]);
    });
  });

  describe('recordFindings', () => {
    it('opens a finding once, refreshes it while it is seen, and resolves it as GONE when a check no longer finds it', async () => {
      expect(await store.recordFindings('customer:101', scope, [phone('0142685353 ext')], T0)).toEqual({ opened: 1, resolved: [] });
      expect(await store.recordFindings('customer:101', scope, [phone('0142685354')], T0 + 10)).toEqual({ opened: 0, resolved: [] });
      const [open] = await store.discrepancies({ resolved: false }, null, 10);
      expect(open).toMatchObject({ seq: 1, sourceValue: '0142685354', detectedAt: T0, lastSeenAt: T0 + 10, resolvedAt: null, contactId: '101' });

      expect(await store.recordFindings('customer:101', scope, [], T0 + 20)).toEqual({ opened: 0, resolved: ['ERP'] });
      expect(await store.discrepancy(1)).toMatchObject({ resolvedAt: T0 + 20, resolution: 'GONE' });
      // Seen again later: a new discrepancy, the old one stays resolved.
      expect((await store.recordFindings('customer:101', scope, [phone('x')], T0 + 30)).opened).toBe(1);
      expect((await store.discrepancies({ contactId: '101' }, null, 10)).map((d) => [d.seq, d.resolvedAt])).toEqual([[1, T0 + 20], [2, null]]);
    });

    it('leaves open what is outside the scope checked (e.g. a system that could not be read)', async () => {
      await store.recordFindings('customer:101', scope, [phone('x'), { ...phone('y'), system: 'COMMERCE' }], T0);
      expect((await store.recordFindings('customer:101', { kinds: scope.kinds, systems: ['COMMERCE'] }, [], T0 + 1)).resolved).toEqual(['COMMERCE']);
      expect((await store.discrepancies({ resolved: false }, null, 10)).map((d) => d.system)).toEqual(['ERP']);
    });

    it('filters and pages by seq', async () => {
      await store.recordFindings('customer:101', scope, [phone('x')], T0);
      await store.recordFindings('order:7', { kinds: ['MISSING_ERP_ORDER'], systems: ['ERP'] }, [{
        kind: 'MISSING_ERP_ORDER', system: 'ERP', field: '', canonicalValue: '#1001', sourceValue: null, contactId: null, orderId: '7', detail: {},
      }], T0);
      expect((await store.discrepancies({ kind: 'MISSING_ERP_ORDER' }, null, 10)).map((d) => d.orderId)).toEqual(['7']);
      expect((await store.discrepancies({}, 1, 10)).map((d) => d.seq)).toEqual([2]);
      expect(await store.discrepancies({ system: 'COMMERCE' }, null, 10)).toEqual([]);
    });

    it('resolves by a client action once', async () => {
      await store.recordFindings('customer:101', scope, [phone('x')], T0);
      expect(await store.resolveDiscrepancy(1, 'ACCEPT_SOURCE', T0 + 1)).toBe(true);
      expect(await store.resolveDiscrepancy(1, 'KEEP_CANONICAL', T0 + 2)).toBe(false);
      expect(await store.discrepancy(1)).toMatchObject({ resolution: 'ACCEPT_SOURCE', resolvedAt: T0 + 1 });
    });
  });

  describe('runs and failures', () => {
    const stats = { read: 3, propagated: 1, discrepanciesFound: 2, discrepanciesResolved: 0, failures: 0 };

    it('keeps the last run, and the last one that wrote apart from dry runs', async () => {
      const wet = await store.startRun({ dryRun: false, since: null, startedAt: T0 });
      await store.finishRun(wet, 'DONE', { CRM: stats, ERP: stats, COMMERCE: stats }, T0 + 5);
      await store.startRun({ dryRun: true, since: T0 - 1000, startedAt: T0 + 10 });
      expect(await store.lastRun()).toMatchObject({ dryRun: true, status: 'RUNNING', since: T0 - 1000 });
      expect(await store.lastRun({ wet: true })).toMatchObject({ id: wet, status: 'DONE', finishedAt: T0 + 5, stats: { ERP: stats } });
    });

    it('keeps failures per system, newest first', async () => {
      await store.recordFailure({ at: T0, system: 'ERP', source: 'OUTBOX', code: 'UPSTREAM_UNAVAILABLE', message: 'a' });
      await store.recordFailure({ at: T0 + 1, system: 'ERP', source: 'RECONCILE', code: 'UPSTREAM_ERROR', message: 'b' });
      await store.recordFailure({ at: T0 + 2, system: 'CRM', source: 'INBOX', code: 'NOT_FOUND', message: 'c' });
      expect((await store.recentFailures('ERP', 10)).map((f) => f.message)).toEqual(['b', 'a']);
      expect(await store.recentFailures('ERP', 1)).toEqual([{ at: T0 + 1, system: 'ERP', source: 'RECONCILE', code: 'UPSTREAM_ERROR', message: 'b' }]);
    });
  });

  describe('the reconciliation lease', () => {
    it('is held by one pass at a time: a second take fails while the first holds it, and succeeds once it is released', async () => {
      const first = await store.tryReconcileLease();
      expect(first).not.toBeNull();
      expect(await store.tryReconcileLease()).toBeNull();
      await first!.release();
      await first!.release(); // releasing twice lets go of nothing a later holder has
      const second = await store.tryReconcileLease();
      expect(second).not.toBeNull();
      expect(await store.tryReconcileLease()).toBeNull();
      await second!.release();
    });
  });

  describe('order rechecks', () => {
    it('hands out the orders due, earliest first, until they are cleared; a new time replaces the old', async () => {
      await store.scheduleOrderRecheck('#1002', T0 + 20);
      await store.scheduleOrderRecheck('#1001', T0 + 10);
      await store.scheduleOrderRecheck('#1003', T0 + 30);
      expect(await store.dueOrderRechecks(T0 + 20, 10)).toEqual(['#1001', '#1002']);
      await store.scheduleOrderRecheck('#1001', T0 + 40);
      await store.clearOrderRecheck('#1002');
      expect(await store.dueOrderRechecks(T0 + 35, 10)).toEqual(['#1003']);
      expect(await store.dueOrderRechecks(T0 + 99, 1)).toEqual(['#1003']);
    });
  });

  describe('failures per system', () => {
    it('keeps each system\'s newest 200, so one system in trouble does not push out the others', async () => {
      await store.recordFailure({ at: T0, system: 'CRM', source: 'INBOX', code: 'NOT_FOUND', message: 'crm' });
      for (let i = 0; i < 250; i++) await store.recordFailure({ at: T0 + i, system: 'ERP', source: 'OUTBOX', code: 'UPSTREAM_UNAVAILABLE', message: `erp ${i}` });
      expect(await store.recentFailures('ERP', 1000)).toHaveLength(200);
      expect((await store.recentFailures('ERP', 1))[0].message).toBe('erp 249');
      expect((await store.recentFailures('CRM', 10)).map((f) => f.message)).toEqual(['crm']);
    });
  });
});

describe('runs on SQLite', () => {
  it('marks a run left RUNNING by a killed process INTERRUPTED when the store is opened again', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'reconcile-store-')), 'sync.db');
    const first = openSqliteStore(path);
    await first.startRun({ dryRun: false, since: null, startedAt: T0 });
    await first.close();
    const second = openSqliteStore(path, { now: () => T0 + 99 });
    expect(await second.lastRun()).toMatchObject({ status: 'INTERRUPTED', finishedAt: T0 + 99 });
    await second.close();
  });
});
