/**
 * Odoo records → what the reconciliation's change feeds and lookups carry (../shared/change-feed.ts).
 * Pure. Amounts follow the read path's rule: Odoo's float read as its shortest decimal, at the
 * currency's ISO 4217 scale; datetimes are naive UTC.
 */
import { codedError } from '../../schema/errors.ts';
import type { ChangedCustomerRecord, ChangedSaleOrder } from '../shared/change-feed.ts';
import { toDateTime } from '../shared/datetime.ts';
import { toMoney } from '../shared/money.ts';
import { many2oneName, odooDecimal, text } from './odoo-values.ts';
import type { OdooPartner, OdooSaleOrderTotal } from './types.ts';

/** Epoch ms of an Odoo datetime that Odoo always sets (write_date, date_order); UPSTREAM_ERROR when it is missing. */
export function odooInstant(value: string | false, field: string): number {
  const iso = toDateTime(text(value));
  if (iso === null) throw codedError('UPSTREAM_ERROR', `Odoo answered with a record without ${field}.`, { system: 'Odoo' });
  return Date.parse(iso);
}

export function toChangedPartner(record: Pick<OdooPartner, 'id' | 'email' | 'write_date'>): ChangedCustomerRecord {
  return { externalId: String(record.id), changedAt: odooInstant(record.write_date, 'write_date'), email: text(record.email) };
}

/** A sales order without a currency (Odoo always sets one) is taken to be in the company's. */
export function toChangedSaleOrder(record: OdooSaleOrderTotal, companyCurrency: string): ChangedSaleOrder {
  return {
    externalId: String(record.id),
    changedAt: odooInstant(record.write_date, 'write_date'),
    name: text(record.name) ?? String(record.id),
    clientOrderRef: text(record.client_order_ref),
    total: toMoney(odooDecimal(record.amount_total), many2oneName(record.currency_id) ?? companyCurrency),
    orderedAt: odooInstant(record.date_order, 'date_order'),
    cancelled: record.state === 'cancel',
  };
}
