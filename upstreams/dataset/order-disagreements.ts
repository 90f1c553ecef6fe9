/** Shop orders whose ERP side disagrees: a sales order with another total, or none at all. */
import type { Dataset, DeliberateDisagreement } from './types.ts';
import type { Random } from './random.ts';
import { Decimal, fixed, odooFloat } from './money.ts';

/** How many sales orders get a total that differs from the shop's. */
const SKEWED_ORDERS = 2;

/**
 * Adds one unit of the currency to the untaxed amount and the total of two ERP sales orders, as a
 * fee added by hand in the ERP would, so they differ from the shop order's presentment total (the
 * same currency). Only quotations (draft or sent) are chosen: they have no invoice that would have
 * to follow, and no cancellation that a comparison might skip.
 */
export function skewOrderTotals(data: Dataset, rng: Random): DeliberateDisagreement[] {
  const shopOrders = new Map(data.shopify.orders.map((o) => [o.name, o]));
  const candidates = data.odoo['sale.order'].filter((s) => (s.state === 'draft' || s.state === 'sent')
    && (s.currency_id as [number, string])[1] === shopOrders.get(String(s.client_order_ref))?.presentmentCurrencyCode);
  const out: DeliberateDisagreement[] = [];
  while (out.length < SKEWED_ORDERS && candidates.length > 0) {
    const [sale] = candidates.splice(rng.int(0, candidates.length - 1), 1);
    const order = shopOrders.get(String(sale.client_order_ref))!;
    const code = order.presentmentCurrencyCode;
    // Odoo hands money out as a float; String() gives the decimal it stands for.
    const plusOne = (amount: unknown) => odooFloat(fixed(new Decimal(String(amount)).plus(1), code));
    sale.amount_untaxed = plusOne(sale.amount_untaxed);
    sale.amount_total = plusOne(sale.amount_total);
    out.push({ kind: 'ORDER_TOTAL_MISMATCH', shopOrderId: order.id, orderNumber: order.name });
  }
  return out;
}

/** Every shop order that no ERP sales order names as its client_order_ref, oldest first. */
export function missingErpOrders(data: Dataset): DeliberateDisagreement[] {
  const refs = new Set(data.odoo['sale.order'].map((s) => s.client_order_ref));
  return data.shopify.orders.filter((o) => !refs.has(o.name))
    .map((o) => ({ kind: 'MISSING_ERP_ORDER', shopOrderId: o.id, orderNumber: o.name, placedAt: o.createdAt }));
}
