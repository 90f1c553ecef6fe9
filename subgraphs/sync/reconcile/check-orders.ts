/**
 * Reconciles shop orders with ERP sales orders, a page at a time: the sales orders of a page of shop
 * orders in one lookup (or the shop orders of a page of sales orders), compared order by order
 * (order-findings.ts), the findings recorded per order.
 */
import type { ChangedSaleOrder, ChangedShopOrder } from '../../shared/change-feed.ts';
import type { SyncStore } from '../store/types.ts';
import type { ReconcileReaders } from './readers.ts';
import { compareOrder, ORDER_KINDS } from './order-findings.ts';

export interface OrderCheckOptions {
  dryRun: boolean;
  now: () => number;
  graceMs: number;
}

/** Found and resolved discrepancies of the orders checked. */
export interface OrdersCheck {
  found: number;
  resolved: number;
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
  const check: OrdersCheck = { found: 0, resolved: 0 };
  const now = options.now();
  for (const { order, saleOrder } of pairs) {
    const findings = await compareOrder({
      order, saleOrder, now, graceMs: options.graceMs,
      shopTotalIn: async (currency) => {
        if (order.total.currency === currency) return { total: order.total, converted: false };
        if (order.shopTotal.currency === currency) return { total: order.shopTotal, converted: false };
        return { total: await readers.erp.convert(order.shopTotal, currency, order.placedAt), converted: true };
      },
    });
    check.found += findings.length;
    if (!options.dryRun) check.resolved += store.recordFindings(`order:${order.orderId}`, { kinds: ORDER_KINDS, systems: ['ERP'] }, findings, now).resolved.length;
  }
  return check;
}
