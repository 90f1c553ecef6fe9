/**
 * One reconciliation pass: every feed read from its durable cursor (or `since`), oldest change first,
 * a page at a time; the customers and orders each page touches compared and brought in step
 * (check-customer.ts, check-orders.ts); the feed's cursor advanced to the page's newest change only
 * once that page's work is durable (writes recorded in the outbox, findings in the store) and nothing
 * in it failed. A pass killed midway leaves the cursors where the last complete page put them, so the
 * next pass reads the rest again; what was written already compares equal and is not written twice.
 */
import type { ChangedRecord, ChangedSaleOrder, ChangedShopOrder, ChangeFeed, ChangePage } from '../../shared/change-feed.ts';
import type { WriteContext } from '../context.ts';
import { readCustomerSnapshots } from '../snapshot.ts';
import type { FeedName, ReconcileRun, RunSystemStats, RunStatus, SyncStore, WriteSystem } from '../store/types.ts';
import { checkCustomer, type CustomerCheck } from './check-customer.ts';
import { checkSaleOrders, checkShopOrders, type OrderCheckOptions } from './check-orders.ts';
import { failureCode, failureSystem, recordFailure } from '../failures.ts';
import type { ReconcileReaders } from './readers.ts';

export interface PassSettings {
  /** How far before the CRM cursor its feed re-reads: HubSpot's search index lags behind writes. */
  lookbackMs: number;
  /** How long a shop order may go without its ERP sales order before that is a discrepancy. */
  orderGraceMs: number;
  /** Customers compared at once. */
  concurrency: number;
}

export interface PassOptions {
  /** Read every feed from this time (epoch ms) instead of its cursor. Cursors still only move forward. */
  since: number | null;
  /** Read and compare only: write nothing upstream, record nothing, move no cursor. */
  dryRun: boolean;
  onProgress?: (progress: PassProgress) => void;
  /** Asked between pages: true ends the pass there (INTERRUPTED), e.g. when the service stops. */
  shouldStop?: () => boolean;
}

/** Reported after every page. */
export interface PassProgress {
  feed: FeedName;
  /** Records read from this feed so far, and whether it is finished. */
  read: number;
  done: boolean;
  stats: Record<WriteSystem, RunSystemStats>;
}

export type PassSummary = ReconcileRun & { feeds: { feed: FeedName; read: number; cursor: number | null }[] };

export interface PassDeps {
  ctx: WriteContext;
  readers: ReconcileReaders;
  settings: PassSettings;
  now: () => number;
}

const SYSTEMS: WriteSystem[] = ['CRM', 'ERP', 'COMMERCE'];

export async function runPass(deps: PassDeps, options: PassOptions): Promise<PassSummary> {
  const { ctx, readers, settings, now } = deps;
  const store = ctx.store;
  const stats = Object.fromEntries(SYSTEMS.map((s) => [s, emptyStats()])) as Record<WriteSystem, RunSystemStats>;
  const startedAt = now();
  const runId = store.startRun({ dryRun: options.dryRun, since: options.since, startedAt });
  const checkedContacts = new Set<string>();
  // Shop order numbers compared in this pass (from either side), so an order is compared once.
  const checkedOrderNumbers = new Set<string>();
  const firstTime = (number: string): boolean => {
    if (checkedOrderNumbers.has(number)) return false;
    checkedOrderNumbers.add(number);
    return true;
  };
  const orderOptions: OrderCheckOptions = { dryRun: options.dryRun, now, graceMs: settings.orderGraceMs };
  const feeds: PassSummary['feeds'] = [];
  let status: RunStatus = 'DONE';
  let propagations = 0;

  const fail = (system: WriteSystem, code: string) => {
    stats[system].failures++;
    if (!options.dryRun) recordFailure(store, now(), system, 'RECONCILE', code);
  };

  /** Compares the customers not compared yet in this pass; false when any of them failed. */
  const checkCustomers = async (contactIds: string[]): Promise<boolean> => {
    const fresh = [...new Set(contactIds)].filter((id) => !checkedContacts.has(id));
    fresh.forEach((id) => checkedContacts.add(id));
    if (fresh.length === 0) return true;
    const [times, snapshots] = await Promise.all([readers.crm.masterFieldTimes(fresh), readCustomerSnapshots(ctx.adapters, fresh)])
      .catch((err) => {
        // Not compared after all: a later feed of this pass may try them again.
        fresh.forEach((id) => checkedContacts.delete(id));
        throw err;
      });
    let ok = true;
    await eachLimited(fresh, settings.concurrency, async (contactId) => {
      let check: CustomerCheck;
      try {
        check = await checkCustomer(ctx, contactId, snapshots.get(contactId) ?? null, times.get(contactId), { dryRun: options.dryRun, now });
      } catch (err) {
        // Comparing or writing failed in a way that concerns the whole customer: it waits for the next pass.
        checkedContacts.delete(contactId);
        fail(failureSystem(err, 'CRM'), failureCode(err));
        ok = false;
        return;
      }
      for (const [system, n] of Object.entries(check.propagated) as [WriteSystem, number][]) stats[system].propagated += n;
      for (const [system, n] of Object.entries(check.found) as [WriteSystem, number][]) stats[system].discrepanciesFound += n;
      for (const system of check.resolved) stats[system].discrepanciesResolved++;
      for (const failure of check.failed) fail(failure.system, failure.code);
      if (check.failed.length > 0) ok = false;
      if (Object.keys(check.propagated).length > 0 && ++propagations === 10) ctx.crash('mid-reconcile');
    });
    return ok;
  };

  const plan: { feed: FeedName; system: WriteSystem; source: ChangeFeed<ChangedRecord>; process: (records: ChangedRecord[]) => Promise<boolean> }[] = [
    { feed: 'CRM:contacts', system: 'CRM', source: readers.crm.contacts, process: (records) => checkCustomers(records.map((r) => r.externalId)) },
    {
      feed: 'ERP:partners', system: 'ERP', source: readers.erp.partners,
      process: async (records) => checkCustomers(await readers.crm.contactIdsLinkedTo({ erpPartnerIds: ids(records), emails: emails(records) })),
    },
    {
      feed: 'COMMERCE:customers', system: 'COMMERCE', source: readers.commerce.customers,
      process: async (records) => checkCustomers(await readers.crm.contactIdsLinkedTo({ shopCustomerGids: ids(records), emails: emails(records) })),
    },
    {
      feed: 'COMMERCE:orders', system: 'COMMERCE', source: readers.commerce.orders,
      process: async (records) => {
        const orders = (records as ChangedShopOrder[]).filter((o) => firstTime(o.number));
        const result = await checkShopOrders(readers, store, orders, orderOptions);
        stats.ERP.discrepanciesFound += result.found;
        stats.ERP.discrepanciesResolved += result.resolved;
        return true;
      },
    },
    {
      feed: 'ERP:saleOrders', system: 'ERP', source: readers.erp.saleOrders,
      process: async (records) => {
        const saleOrders = (records as ChangedSaleOrder[]).filter((s) => s.clientOrderRef !== null && firstTime(s.clientOrderRef));
        const result = await checkSaleOrders(readers, store, saleOrders, orderOptions);
        stats.ERP.discrepanciesFound += result.found;
        stats.ERP.discrepanciesResolved += result.resolved;
        return true;
      },
    },
  ];

  try {
    for (const { feed, system, source, process } of plan) {
      const cursor = store.cursor(feed);
      const from = options.since ?? Math.max(0, (cursor ?? 0) - (feed === 'CRM:contacts' ? settings.lookbackMs : 0));
      let read = 0;
      let holdCursor = false;
      let after: string | null = null;
      do {
        let page: ChangePage<ChangedRecord>;
        try {
          page = await source.page(from, after);
        } catch (err) {
          // The feed cannot be read on: the other feeds still run, this one resumes from its cursor next time.
          fail(failureSystem(err, system), failureCode(err));
          status = 'FAILED';
          options.onProgress?.({ feed, read, done: true, stats });
          break;
        }
        read += page.records.length;
        stats[system].read += page.records.length;
        let ok: boolean;
        try {
          ok = await process(page.records);
        } catch (err) {
          fail(failureSystem(err, system), failureCode(err));
          ok = false;
        }
        holdCursor ||= !ok;
        const newest = Math.max(...page.records.map((r) => r.changedAt));
        if (!options.dryRun && !holdCursor && page.records.length > 0) store.advanceCursor(feed, newest, now());
        options.onProgress?.({ feed, read, done: page.next === null, stats });
        after = page.next;
        if (options.shouldStop?.()) status = 'INTERRUPTED';
      } while (after !== null && status !== 'INTERRUPTED');
      if (status === 'INTERRUPTED') break;
      feeds.push({ feed, read, cursor: store.cursor(feed) });
    }
  } catch (err) {
    status = 'FAILED';
    throw err;
  } finally {
    store.finishRun(runId, status, stats, now());
  }
  return { id: runId, dryRun: options.dryRun, since: options.since, status, startedAt, finishedAt: now(), stats, feeds };
}

function emptyStats(): RunSystemStats {
  return { read: 0, propagated: 0, discrepanciesFound: 0, discrepanciesResolved: 0, failures: 0 };
}

const ids = (records: ChangedRecord[]) => records.map((r) => r.externalId);
const emails = (records: ChangedRecord[]) =>
  (records as { email?: string | null }[]).map((r) => r.email).filter((e): e is string => !!e);

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(lanes);
}
