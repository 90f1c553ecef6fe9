/** res.partner → the ERP side of a customer: its SourceRecord and its receivables account fields. */
import { toMoney, type Decimal, type Money } from '../shared/money.ts';
import { toDateTime } from '../shared/datetime.ts';
import type { LinkedBy, SourceRecord } from '../shared/sources.ts';
import type { OdooPartner } from './types.ts';
import { many2oneName, odooDecimal, text } from './odoo-values.ts';

export interface ErpPartner {
  id: number;
  email: string | null;
  ref: string | null;
  creditLimit: Decimal;
  paymentTerms: string | null;
  /** write_date exactly as Odoo returned it: the record's change marker. */
  writeDate: string | null;
}

export function fromOdooPartner(record: OdooPartner): ErpPartner {
  return {
    id: record.id,
    email: text(record.email),
    ref: text(record.ref),
    creditLimit: odooDecimal(record.credit_limit),
    paymentTerms: many2oneName(record.property_payment_term_id),
    writeDate: text(record.write_date),
  };
}

export function toErpSource(partner: ErpPartner, linkedBy: LinkedBy): SourceRecord {
  return { system: 'ERP', externalId: String(partner.id), version: partner.writeDate, updatedAt: toDateTime(partner.writeDate), linkedBy };
}

/** The customer number: the partner's reference, else (no reference set) its Odoo id. */
export const accountNumber = (partner: ErpPartner): string => partner.ref ?? String(partner.id);

/** Odoo reads a credit limit of 0 as "no limit", so it is null rather than a limit of zero. */
export const creditLimit = (partner: ErpPartner, companyCurrency: string): Money | null =>
  partner.creditLimit.isZero() ? null : toMoney(partner.creditLimit, companyCurrency);
