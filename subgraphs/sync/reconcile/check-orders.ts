/**
 * Reconciles shop orders with ERP sales orders, a page at a time: the sales orders of a page of shop
 * orders in one lookup (or the shop orders of a page of sales orders), compared order by order
 * (order-findings.ts), the findings recorded per order. A new order still inside its grace period is
 * scheduled to be checked again when it ends (checkDueOrders), since it may never change again.
 */
import type { ChangedSaleOrder, ChangedShopOrder } from '../../shared/change-feed.ts';
import type { OrderCheckRecord, SyncStore } from '../store/types.ts';
import type { ReconcileReaders } from './readers.ts';
import { compareOrder, ORDER_KINDS } from './order-findings.ts';
import { failureCode } from '../failures.ts';

export interface OrderCheckOptions {
  dryRun: boolean;
  now: () => number;
  graceMs: number;
}

/** Per order number checked, the discrepancies found; how many were resolved; the codes of orders that could not be compared. */
export interface OrdersCheck {
  found: Map<string, number>;
  resolved: number;
  failed: string[];
}

/** Compares each shop order with its sales order (looked up by number). */
export async function checkShopOrders(readers: ReconcileReaders, store: SyncStore, orders: ChangedShopOrder[], options: OrderCheckOptions): Promise<OrdersCheck> {
  const saleOrders = await readers.erp.saleOrdersByClientRefs(orders.map((o) => o.number));
  return checkPairs(readers, store, orders.map((order) => ({ order, saleOrder: saleOrders.get(order.number) ?? null })), options);
}

/** Compares each sales order with the shop order it mirrors; sales orders of no shop order are not this check's business. */
export async function checkSaleOrders(readers: ReconcileReaders, store: SyncStore, saleOrders: ChangedSaleOrder[], options: OrderCheckOptions): Promise<OrdersCheck> {
  const refs = saleOrders.map((s) => s.clientOrderRef).filter((r): r is string => r !== null);
  const shopOrders = await readers.commerce.ordersByNumbers(refs);
  const orders = [...new Set(refs)].map((ref) => shopOrders.get(ref)).filter((o): o is ChangedShopOrder => o !== undefined);
  // The sales order that counts for a shop order is the read path's pick, so look them up by number again.
  return checkShopOrders(readers, store, orders, options);
}

async function checkPairs(
  readers: ReconcileReaders, store: SyncStore, pairs: { order: ChangedShopOrder; saleOrder: ChangedSaleOrder | null }[], options: OrderCheckOptions,
): Promise<OrdersCheck> {
  const check: OrdersCheck = { found: new Map(), resolved: 0, failed: [] };
  const now = options.now();
  const records: OrderCheckRecord[] = [];
  for (const { order, saleOrder } of pairs) {
    let verdict;
    try {
      verdict = await compareOrder({
        order, saleOrder, now, graceMs: options.graceMs,
        shopTotalIn: async (currency) => {
          if (order.total.currency === currency) return { total: order.total, converted: false };
          if (order.shopTotal.currency === currency) return { total: order.shopTotal, converted: false };
          return { total: await readers.erp.convert(order.shopTotal, currency, order.placedAt), converted: true };
        },
      });
    } catch (err) {
      // One order that cannot be compared (e.g. no ERP rate for its currency) must not stop the others.
      check.failed.push(failureCode(err));
      continue;
    }
    const { findings, recheckAt } = verdict;
    check.found.set(order.number, findings.length);
    records.push({ subjectKey: `order:${order.orderId}`, orderNumber: order.number, findings, recheckAt });
  }
  if (!options.dryRun && records.length > 0) check.resolved += await store.recordOrderChecks(records, { kinds: ORDER_KINDS, systems: ['ERP'] }, now);
  return check;
}

/** The orders whose grace period has ended since they were read: checked again now. */
export async function checkDueOrders(readers: ReconcileReaders, store: SyncStore, options: OrderCheckOptions): Promise<OrdersCheck> {
  const due = await store.dueOrderRechecks(options.now(), DUE_BATCH);
  if (due.length === 0) return { found: new Map(), resolved: 0, failed: [] };
  const orders = await readers.commerce.ordersByNumbers(due);
  const result = await checkShopOrders(readers, store, [...orders.values()], options);
  // Checked now, or no longer in the shop, or impossible to compare (reported as a failure): not again.
  if (!options.dryRun) for (const number of due) if (!result.found.has(number) || !orders.has(number)) await store.clearOrderRecheck(number);
  return result;
}

/** Orders checked again per pass at most; the rest wait for the next pass. */
const DUE_BATCH = 500;
