/**
 * Expected values computed straight from the raw dataset, independently of the subgraph's transforms,
 * so the subgraph tests compare against an answer worked out another way.
 */
import { Decimal } from 'decimal.js';
import type { Dataset, OdooRecord } from '../../upstreams/dataset/types.ts';

const SCALE: Record<string, number> = { USD: 2, EUR: 2, JPY: 0 };

export const money = (value: Decimal.Value, currency: string) =>
  ({ amount: new Decimal(value).toDecimalPlaces(SCALE[currency], Decimal.ROUND_HALF_UP).toFixed(SCALE[currency]), currency });

/** Units of `code` per USD on `day`: the latest rate dated on or before it. */
export function rateOn(dataset: Dataset, code: string, day: string): { rate: Decimal; date: string } {
  const rows = dataset.odoo['res.currency.rate']
    .filter((r) => (r.currency_id as [number, string])[1] === code && String(r.name) <= day)
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
  const last = rows[rows.length - 1];
  return { rate: new Decimal(String(last.rate)), date: String(last.name) };
}

export const invoicesOf = (dataset: Dataset, partnerId: number): OdooRecord[] => dataset.odoo['account.move']
  .filter((m) => (m.partner_id as [number, string])[0] === partnerId)
  .sort((a, b) => String(b.invoice_date).localeCompare(String(a.invoice_date)) || b.id - a.id);

export function expectedInvoice(dataset: Dataset, m: OdooRecord) {
  const currency = (m.currency_id as [number, string])[1];
  const settled = ['paid', 'in_payment', 'reversed'].includes(String(m.payment_state));
  const sale = dataset.odoo['sale.order'].find((s) => s.name === m.invoice_origin);
  return {
    number: m.name,
    status: m.state === 'draft' ? 'DRAFT' : m.state === 'cancel' ? 'CANCELLED' : settled ? 'PAID' : 'OPEN',
    issuedAt: `${m.invoice_date}T00:00:00.000Z`,
    dueAt: m.invoice_date_due ? `${m.invoice_date_due}T00:00:00.000Z` : null,
    total: money(String(m.amount_total), currency),
    amountDue: money(String(m.amount_residual), currency),
    orderNumber: sale ? sale.client_order_ref : null,
  };
}

/** Open receivables in USD: residuals of posted, unsettled invoices at their invoice date's rate. */
export function expectedBalance(dataset: Dataset, partnerId: number) {
  let sum = new Decimal(0);
  for (const m of invoicesOf(dataset, partnerId)) {
    if (m.state !== 'posted' || ['paid', 'in_payment', 'reversed'].includes(String(m.payment_state))) continue;
    sum = sum.plus(new Decimal(String(m.amount_residual)).div(rateOn(dataset, (m.currency_id as [number, string])[1], String(m.invoice_date)).rate));
  }
  return money(sum, 'USD');
}
