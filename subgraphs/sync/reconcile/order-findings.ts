/**
 * Compares a shop order with the ERP sales order that mirrors it (client_order_ref = the order
 * number). The shop is the order's system of record, so its values are the canonical ones. Pure; the
 * conversion between currencies is passed in (the ERP's rate table).
 */
import { currencyScale, Decimal } from '../../shared/money.ts';
import type { ChangedSaleOrder, ChangedShopOrder, OrderTotal } from '../../shared/change-feed.ts';
import type { DiscrepancyFinding, DiscrepancyKind } from '../store/types.ts';

export const ORDER_KINDS: DiscrepancyKind[] = ['MISSING_ERP_ORDER', 'ORDER_TOTAL_MISMATCH'];

export interface OrderComparison {
  order: ChangedShopOrder;
  saleOrder: ChangedSaleOrder | null;
  /** Epoch ms now, and how long a new order may go without a sales order before that is a discrepancy. */
  now: number;
  graceMs: number;
  /** The shop's total in the sales order's currency (converted when they differ), or null when not comparable. */
  shopTotalIn(currency: string): Promise<{ total: OrderTotal; converted: boolean } | null>;
}

export interface OrderVerdict {
  findings: DiscrepancyFinding[];
  /** When a new order without its sales order must be looked at again (its grace period ends), else null. */
  recheckAt: number | null;
}

export async function compareOrder(c: OrderComparison): Promise<OrderVerdict> {
  const { order, saleOrder } = c;
  const finding = (kind: DiscrepancyKind, field: string, canonicalValue: string | null, sourceValue: string | null): DiscrepancyFinding =>
    ({ kind, system: 'ERP', field, canonicalValue, sourceValue, contactId: null, orderId: order.orderId, detail: { number: order.number } });
  const none: OrderVerdict = { findings: [], recheckAt: null };
  if (!saleOrder) {
    // A cancelled order needs no sales order; a new one gets the grace period for it to arrive.
    if (order.cancelled) return none;
    const graceEnds = order.placedAt + c.graceMs;
    return graceEnds <= c.now ? { findings: [finding('MISSING_ERP_ORDER', '', order.number, null)], recheckAt: null } : { findings: [], recheckAt: graceEnds };
  }
  if (order.cancelled || saleOrder.cancelled) return none;
  const expected = await c.shopTotalIn(saleOrder.total.currency);
  if (expected === null || totalsAgree(expected.total, saleOrder.total, expected.converted)) return none;
  return { findings: [finding('ORDER_TOTAL_MISMATCH', 'total', formatTotal(order.total), formatTotal(saleOrder.total))], recheckAt: null };
}

/**
 * Equal to the currency's minor unit. A converted total may be off by one minor unit (each system
 * rounds once, at different steps), so that much is tolerated when the currencies differed.
 */
function totalsAgree(expected: OrderTotal, actual: OrderTotal, converted: boolean): boolean {
  if (expected.currency !== actual.currency) return false;
  const difference = new Decimal(expected.amount).minus(actual.amount).abs();
  const minorUnit = new Decimal(1).dividedBy(new Decimal(10).pow(currencyScale(actual.currency)));
  return converted ? difference.lte(minorUnit) : difference.isZero();
}

export const formatTotal = (total: OrderTotal): string => `${total.amount} ${total.currency}`;
