/**
 * One reconciliation pass: every feed read from its durable cursor (or `since`), oldest change first,
 * a page at a time; the customers and orders each page touches compared and brought in step
 * (check-customer.ts, check-orders.ts); the feed's cursor advanced to the page's newest change only
 * once that page's work is durable (writes recorded in the outbox, findings in the store) and no read
 * in the feed failed. A pass killed midway leaves the cursors where the last complete page put them, so the
 * next pass reads the rest again; what was written already compares equal and is not written twice.
 */
import { LRUCache } from 'lru-cache';
import type { ChangedRecord, ChangedSaleOrder, ChangedShopOrder, ChangeFeed, ChangePage } from '../../shared/change-feed.ts';
import type { WriteContext } from '../context.ts';
import type { FeedName, ReconcileRun, RunSystemStats, RunStatus, SyncStore, WriteSystem } from '../store/types.ts';
import { checkCustomers } from './check-customer.ts';
import { checkDueOrders, checkSaleOrders, checkShopOrders, type OrderCheckOptions, type OrdersCheck } from './check-orders.ts';
import { failureCode, failureSystem, recordFailure } from '../failures.ts';
import type { ReconcileReaders } from './readers.ts';

export interface PassSettings {
  /**
   * How far before its cursor each feed re-reads: HubSpot's and Shopify's search indexes lag behind
   * writes, and Odoo stamps write_date at the start of a transaction that may commit later.
   */
  lookbackMs: number;
  /** How long a shop order may go without its ERP sales order before that is a discrepancy. */
  orderGraceMs: number;
  /** Customers compared at once. */
  concurrency: number;
}

export interface PassOptions {
  /**
   * Read every feed from this time (epoch ms) instead of its cursor. A cursor moves (forward only) only
   * when this is not later than where the feed would have read from, so that no change goes unread.
   */
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
/** A failure that may pass by itself: the system was unreachable, slow or rate-limited. */
const TRANSIENT = 'UPSTREAM_UNAVAILABLE';
/** Odoo and Shopify keep change times to the second: a change in the same second as a read may postdate it. */
const MARKER_GRANULARITY_MS = 1000;

export async function runPass(deps: PassDeps, options: PassOptions): Promise<PassSummary> {
  const { ctx, readers, settings, now } = deps;
  const store = ctx.store;
  const stats = Object.fromEntries(SYSTEMS.map((s) => [s, emptyStats()])) as Record<WriteSystem, RunSystemStats>;
  const startedAt = now();
  const runId = await store.startRun({ dryRun: options.dryRun, since: options.since, startedAt });
  // When each customer and shop order (by number) was last read in this pass: another feed's record
  // of it is compared again only if it changed after that (a change made while the pass runs).
  const checkedContacts = passMemory<number>();
  const checkedOrders = passMemory<number>();
  const needsCheck = (checked: LRUCache<string, number>, key: string, changedAt: number): boolean => {
    const at = checked.get(key);
    if (at !== undefined && changedAt + MARKER_GRANULARITY_MS < at) return false;
    checked.set(key, now());
    return true;
  };
  const orderOptions: OrderCheckOptions = { dryRun: options.dryRun, now, graceMs: settings.orderGraceMs };
  const feeds: PassSummary['feeds'] = [];
  // The latest findings per customer and order, kept in running counts: one compared twice in a pass
  // (it changed meanwhile) counts once, its earlier findings taken back.
  const foundByCustomer = passMemory<Partial<Record<WriteSystem, number>>>();
  const foundByOrder = passMemory<number>();
  const setCustomerFound = (contactId: string, found: Partial<Record<WriteSystem, number>>) => {
    for (const [system, n] of Object.entries(foundByCustomer.get(contactId) ?? {}) as [WriteSystem, number][]) stats[system].discrepanciesFound -= n;
    for (const [system, n] of Object.entries(found) as [WriteSystem, number][]) stats[system].discrepanciesFound += n;
    foundByCustomer.set(contactId, found);
  };
  const setOrderFound = (number: string, n: number) => {
    stats.ERP.discrepanciesFound += n - (foundByOrder.get(number) ?? 0);
    foundByOrder.set(number, n);
  };
  let status: RunStatus = 'DONE';
  let propagations = 0;

  // Failures are counted at once (some are found inside synchronous callbacks) and their records
  // awaited before the run is finished; a record the store could not keep fails the pass.
  const recording: Promise<void>[] = [];
  let recordError: unknown = null;
  const fail = (system: WriteSystem, code: string) => {
    stats[system].failures++;
    if (!options.dryRun) recording.push(recordFailure(store, now(), system, 'RECONCILE', code).catch((err) => { recordError ??= err; }));
  };

  /**
   * Compares the customers not read yet in this pass since `changedAt` (the newest change of the page
   * that named them); false when any of them could not be compared now.
   */
  const compareCustomers = async (contactIds: string[], changedAt: number): Promise<boolean> => {
    const fresh = [...new Set(contactIds)].filter((id) => needsCheck(checkedContacts, id, changedAt));
    if (fresh.length === 0) return true;
    let ok = true;
    const resolved = await checkCustomers(ctx, readers, fresh, { dryRun: options.dryRun, now, concurrency: settings.concurrency }, (contactId, outcome) => {
      if ('error' in outcome) {
        // A read that failed (refused writes do not throw): the customer waits for the next pass, and
        // the cursor with it, whatever the cause, so that no change goes unread.
        fail(failureSystem(outcome.error, 'CRM'), failureCode(outcome.error));
        checkedContacts.delete(contactId);
        ok = false;
        return;
      }
      const { check } = outcome;
      for (const [system, n] of Object.entries(check.propagated) as [WriteSystem, number][]) stats[system].propagated += n;
      setCustomerFound(contactId, check.found);
      for (const failure of check.failed) fail(failure.system, failure.code);
      // Refused for good: reported (the write path kept the refusal's own text), not held on to.
      for (const refusal of check.refused) fail(refusal.system, refusal.code);
      if (check.failed.length > 0) ok = false;
      if (Object.keys(check.propagated).length > 0 && ++propagations === 10) ctx.crash('mid-reconcile');
    }).catch((err) => {
      // The batch could not be read: not compared after all, so a later feed of this pass may try them again.
      fresh.forEach((id) => checkedContacts.delete(id));
      throw err;
    });
    for (const system of resolved) stats[system].discrepanciesResolved++;
    return ok;
  };

  const plan: { feed: FeedName; system: WriteSystem; source: ChangeFeed<ChangedRecord>; process: (records: ChangedRecord[]) => Promise<boolean> }[] = [
    { feed: 'CRM:contacts', system: 'CRM', source: readers.crm.contacts, process: (records) => compareCustomers(ids(records), newestOf(records)) },
    {
      feed: 'ERP:partners', system: 'ERP', source: readers.erp.partners,
      process: async (records) => compareCustomers(await readers.crm.contactIdsLinkedTo({ erpPartnerIds: ids(records), emails: emails(records) }), newestOf(records)),
    },
    {
      feed: 'COMMERCE:customers', system: 'COMMERCE', source: readers.commerce.customers,
      process: async (records) => compareCustomers(await readers.crm.contactIdsLinkedTo({ shopCustomerGids: ids(records), emails: emails(records) }), newestOf(records)),
    },
    {
      feed: 'COMMERCE:orders', system: 'COMMERCE', source: readers.commerce.orders,
      process: async (records) => {
        const orders = (records as ChangedShopOrder[]).filter((o) => needsCheck(checkedOrders, o.number, o.changedAt));
        return settleOrders(await checkShopOrders(readers, store, orders, orderOptions));
      },
    },
    {
      feed: 'ERP:saleOrders', system: 'ERP', source: readers.erp.saleOrders,
      process: async (records) => {
        const saleOrders = (records as ChangedSaleOrder[]).filter((s) => s.clientOrderRef !== null && needsCheck(checkedOrders, s.clientOrderRef, s.changedAt));
        return settleOrders(await checkSaleOrders(readers, store, saleOrders, orderOptions));
      },
    },
  ];

  /**
   * Counts what comparing orders found; false when an order could not be compared for a transient
   * reason (read it again next pass). One that can never be compared (no ERP rate for its currency)
   * is reported and not held on to, or it would stop the cursor for good.
   */
  const settleOrders = (result: OrdersCheck): boolean => {
    result.found.forEach((n, number) => setOrderFound(number, n));
    stats.ERP.discrepanciesResolved += result.resolved;
    for (const code of result.failed) fail('ERP', code);
    return !result.failed.includes(TRANSIENT);
  };

  /** New orders read earlier inside their grace period, whose grace has ended: no feed returns them again. */
  const recheckDueOrders = async () => {
    try {
      settleOrders(await checkDueOrders(readers, store, orderOptions));
    } catch (err) {
      // They stay scheduled for the next pass.
      fail(failureSystem(err, 'COMMERCE'), failureCode(err));
      status = 'FAILED';
    }
  };

  try {
    for (const { feed, system, source, process } of plan) {
      const cursor = await store.cursor(feed);
      const from = options.since ?? Math.max(0, (cursor ?? 0) - settings.lookbackMs);
      let read = 0;
      // A --since later than where the feed would read from leaves changes in between unread: then the cursor stays.
      let holdCursor = options.since !== null && options.since > Math.max(0, (cursor ?? 0) - settings.lookbackMs);
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
        if (!ok) {
          holdCursor = true;
          if (status === 'DONE') status = 'FAILED';
        }
        if (!options.dryRun && !holdCursor && page.records.length > 0) await store.advanceCursor(feed, newestOf(page.records), now());
        options.onProgress?.({ feed, read, done: page.next === null, stats });
        after = page.next;
        if (options.shouldStop?.()) status = 'INTERRUPTED';
      } while (after !== null && status !== 'INTERRUPTED');
      if (status === 'INTERRUPTED') break;
      feeds.push({ feed, read, cursor: await store.cursor(feed) });
    }
    if (status !== 'INTERRUPTED') await recheckDueOrders();
  } catch (err) {
    status = 'FAILED';
    throw err;
  } finally {
    await Promise.all(recording);
    if (recordError !== null) status = 'FAILED';
    await store.finishRun(runId, status, stats, now());
  }
  if (recordError !== null) throw recordError;
  return { id: runId, dryRun: options.dryRun, since: options.since, status, startedAt, finishedAt: now(), stats, feeds };
}

/**
 * What a pass remembers per customer or order, bounded: past this many records the least recently
 * seen are forgotten, so a pass over a larger system holds a constant amount; a record forgotten and
 * read again by another feed is compared again (and its findings counted again).
 */
const PASS_MEMORY_RECORDS = 250_000;
const passMemory = <V extends {}>() => new LRUCache<string, V>({ max: PASS_MEMORY_RECORDS });

function emptyStats(): RunSystemStats {
  return { read: 0, propagated: 0, discrepanciesFound: 0, discrepanciesResolved: 0, failures: 0 };
}

const ids = (records: ChangedRecord[]) => records.map((r) => r.externalId);
const newestOf = (records: ChangedRecord[]) => Math.max(...records.map((r) => r.changedAt));
const emails = (records: ChangedRecord[]) =>
  (records as { email?: string | null }[]).map((r) => r.email).filter((e): e is string => !!e);
