/**
 * sale.order → Fulfillment. Status: cancel → CANCELLED; draft/sent (a quotation) → DRAFT; a confirmed
 * order (sale, or the older "done") whose delivery is done (effective_date set) → SHIPPED, else
 * CONFIRMED. Odoo's effective_date is when the goods left the warehouse; the ERP does not know when
 * the customer received them, so it never reports DELIVERED.
 */
import { toDateTime } from '../shared/datetime.ts';
import type { OdooSaleOrder } from './types.ts';
import { many2oneName, text } from './odoo-values.ts';

export type FulfillmentStatus = 'DRAFT' | 'CONFIRMED' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

export interface ErpSaleOrder {
  /** The shop's order number this sales order fulfils (client_order_ref). */
  clientOrderRef: string | null;
  status: FulfillmentStatus;
  erpOrderNumber: string;
  warehouse: string | null;
  shippedAt: string | null;
  /** The first of the order's invoices, as Odoo lists invoice_ids. */
  firstInvoiceId: number | null;
  /** write_date exactly as Odoo returned it: the sales order's change marker. */
  writeDate: string | null;
}

export function fulfillmentStatus(state: string, effectiveDate: string | false): FulfillmentStatus {
  if (state === 'cancel') return 'CANCELLED';
  if (state === 'draft' || state === 'sent') return 'DRAFT';
  return text(effectiveDate) ? 'SHIPPED' : 'CONFIRMED';
}

export function fromOdooSaleOrder(record: OdooSaleOrder): ErpSaleOrder {
  return {
    clientOrderRef: text(record.client_order_ref),
    status: fulfillmentStatus(record.state, record.effective_date),
    erpOrderNumber: text(record.name) ?? String(record.id),
    warehouse: many2oneName(record.warehouse_id),
    shippedAt: toDateTime(text(record.effective_date)),
    firstInvoiceId: Array.isArray(record.invoice_ids) && typeof record.invoice_ids[0] === 'number' ? record.invoice_ids[0] : null,
    writeDate: text(record.write_date),
  };
}

/**
 * The sales order that fulfils a shop order when the ERP holds several with its number (e.g. one
 * cancelled and re-entered): the newest that is not cancelled, else the newest. `orders` is newest first.
 */
export function pickSaleOrderBy<T>(orders: T[], cancelled: (order: T) => boolean): T | null {
  return orders.find((o) => !cancelled(o)) ?? orders[0] ?? null;
}

/** pickSaleOrderBy over the read path's sales orders. */
export const pickSaleOrder = (orders: ErpSaleOrder[]): ErpSaleOrder | null => pickSaleOrderBy(orders, (o) => o.status === 'CANCELLED');
