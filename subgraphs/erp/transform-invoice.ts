/** account.move (customer invoices) → Invoice, and the open balance of a customer's invoices. */
import { Decimal, toMoney, type Money } from '../shared/money.ts';
import { toDateTime } from '../shared/datetime.ts';
import type { OdooInvoice } from './types.ts';
import { many2oneId, many2oneName, odooDecimal, text } from './odoo-values.ts';
import type { RateTable } from './rates.ts';
import { applyRate, crossRate, settle } from './convert.ts';

export type InvoiceStatus = 'DRAFT' | 'OPEN' | 'PAID' | 'CANCELLED';

export interface ErpInvoice {
  partnerId: number | null;
  /** The invoice name; Odoo names a draft "/" until it is posted. */
  number: string;
  status: InvoiceStatus;
  issuedAt: string | null;
  dueAt: string | null;
  total: Money;
  amountDue: Money;
  /** The first sales order named in invoice_origin, e.g. "S00042". */
  saleOrderName: string | null;
  /** The day the invoice's amounts are valued on, for currency conversion. */
  day: string | null;
  residual: Decimal;
}

const SETTLED = new Set(['paid', 'in_payment', 'reversed']);

/** draft → DRAFT, cancel → CANCELLED, posted and paid/in_payment/reversed → PAID, else OPEN. */
export function invoiceStatus(state: string, paymentState: string | false): InvoiceStatus {
  if (state === 'draft') return 'DRAFT';
  if (state === 'cancel') return 'CANCELLED';
  return state === 'posted' && typeof paymentState === 'string' && SETTLED.has(paymentState) ? 'PAID' : 'OPEN';
}

export function fromOdooInvoice(record: OdooInvoice): ErpInvoice {
  const currency = many2oneName(record.currency_id) ?? 'XXX';
  // A draft may have no invoice date yet: it is then dated by its creation.
  const issued = text(record.invoice_date) ?? text(record.create_date) ?? text(record.write_date);
  return {
    partnerId: many2oneId(record.partner_id),
    number: text(record.name) ?? '/',
    status: invoiceStatus(record.state, record.payment_state),
    issuedAt: toDateTime(issued),
    dueAt: toDateTime(text(record.invoice_date_due)),
    total: toMoney(odooDecimal(record.amount_total), currency),
    amountDue: toMoney(odooDecimal(record.amount_residual), currency),
    saleOrderName: text(record.invoice_origin)?.split(',')[0].trim() || null,
    day: issued?.slice(0, 10) ?? null,
    residual: odooDecimal(record.amount_residual),
  };
}

/**
 * Open receivables: the residual of every OPEN (posted, not settled) invoice, each converted into the
 * company currency with the rate valid on its invoice date, summed unrounded and rounded once (a sum
 * with no conversion in it is exact and kept so).
 */
export function openBalance(invoices: ErpInvoice[], table: RateTable): Money {
  const currency = table.companyCurrency;
  let sum = new Decimal(0);
  let converted = false;
  for (const invoice of invoices) {
    if (invoice.status !== 'OPEN' || invoice.residual.isZero()) continue;
    if (invoice.amountDue.currency === currency) sum = sum.plus(invoice.residual);
    else {
      sum = sum.plus(applyRate(invoice.residual, crossRate(table, invoice.amountDue.currency, currency, invoice.day ?? '9999-12-31')));
      converted = true;
    }
  }
  return settle(sum, currency, converted);
}
