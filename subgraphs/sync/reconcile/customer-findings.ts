/**
 * Compares one customer's records, already read, and decides per field and system: bring the system
 * in step with the CRM (the CRM changed the field after the system's record last changed: a change
 * whose webhook was lost), or report a discrepancy (the system changed later, or on its own: the
 * gateway must not choose). Pure; check-customer.ts does the reading and writing.
 */
import type { MasterField } from '../../shared/change-feed.ts';
import { masterDifferences, type MasterDifference } from '../../shared/compare-master.ts';
import type { CustomerField, MasterView, SystemRecord } from '../../shared/write-adapter.ts';
import type { DiscrepancyFinding, DiscrepancyKind, WriteSystem } from '../store/types.ts';

export type LinkedSystem = 'ERP' | 'COMMERCE';

/** One linked system's side of the comparison. */
export interface SystemSide {
  system: LinkedSystem;
  /** The linked record, or null when there is none. */
  record: SystemRecord | null;
  /** The id the CRM contact stores for this system, if any. */
  storedId: string | null;
  /** How many records in the system have the contact's email (asked only when linked by email). */
  emailMatches: number | null;
}

export interface CustomerComparison {
  contactId: string;
  /** Customer.version as read, kept with each finding so a resolution can check nothing changed since. */
  version: string;
  crm: MasterView;
  crmEmail: string | null;
  /** The CRM's country exactly as stored (AddressFields.countryText), null when it stores none. */
  crmCountryText: string | null;
  /** When each CRM master field last changed (epoch ms). */
  crmTimes: Record<MasterField, number>;
  sides: SystemSide[];
}

export interface CustomerVerdict {
  /** Per system, the canonical fields to carry over from the CRM. */
  propagate: Partial<Record<LinkedSystem, CustomerField[]>>;
  findings: DiscrepancyFinding[];
  /** The differences `propagate` is to remove: discrepancies after all if the system refuses the write. */
  unlessWritten: DiscrepancyFinding[];
}

/** Odoo and Shopify keep change times to the second. */
const MARKER_GRANULARITY_MS = 1000;

/** The kinds a customer comparison decides, so the store can close those no longer found. */
export const CUSTOMER_KINDS: DiscrepancyKind[] = ['FIELD_MISMATCH', 'AMBIGUOUS_EMAIL', 'BROKEN_LINK', 'UNRECOGNISED_COUNTRY'];

/** The canonical fields a compared field writes, and the CRM fields whose change time counts for it. */
const FIELDS_OF: Record<MasterDifference['field'], MasterField[]> = {
  name: ['firstName', 'lastName'],
  firstName: ['firstName'],
  lastName: ['lastName'],
  email: ['email'],
  phone: ['phone'],
  address: ['address'],
};

export function compareCustomer(c: CustomerComparison): CustomerVerdict {
  const verdict: CustomerVerdict = { propagate: {}, findings: [], unlessWritten: [] };
  const make = (kind: DiscrepancyKind, system: WriteSystem, field: string, canonicalValue: string | null, sourceValue: string | null, detail: object = {}): DiscrepancyFinding =>
    ({ kind, system, field, canonicalValue, sourceValue, contactId: c.contactId, orderId: null, detail: { version: c.version, ...detail } });
  const finding = (...args: Parameters<typeof make>) => verdict.findings.push(make(...args));

  // A country text that names no country reads as null: reported, not left as a silent null, and the
  // CRM's address is not carried over, which would clear the other systems' country.
  const unrecognisedCountry = c.crmCountryText !== null && !c.crm.address?.country;
  if (unrecognisedCountry) finding('UNRECOGNISED_COUNTRY', 'CRM', 'address.country', null, c.crmCountryText);

  for (const side of c.sides) {
    const { system, record } = side;
    if (side.storedId && (record === null || record.linkedBy !== 'STORED_ID')) {
      finding('BROKEN_LINK', system, system === 'ERP' ? 'erpPartnerId' : 'shopCustomerId', side.storedId, null);
    }
    if (record === null) continue;
    if (record.linkedBy === 'EMAIL_MATCH' && (side.emailMatches ?? 0) > 1) {
      finding('AMBIGUOUS_EMAIL', system, 'email', c.crmEmail, `${side.emailMatches} records`);
    }
    for (const diff of masterDifferences(c.crm, record.canonical)) {
      const fields = FIELDS_OF[diff.field];
      const crmChangedAt = Math.max(...fields.map((f) => c.crmTimes[f] ?? 0));
      const mismatch = make('FIELD_MISMATCH', system, diff.field, diff.crmValue, diff.sourceValue, { sourceCanonical: sourceValueOf(record.canonical, diff.field) });
      // The other systems stamp changes to the second: a CRM change within the same second as the
      // record's may be the older one, so only a clearly later one is carried over.
      if (crmChangedAt >= record.changedAt + MARKER_GRANULARITY_MS && !(unrecognisedCountry && diff.field === 'address')) {
        (verdict.propagate[system] ??= []).push(...fields);
        verdict.unlessWritten.push(mismatch);
      } else {
        verdict.findings.push(mismatch);
      }
    }
  }
  return verdict;
}

/** The source's own canonical value of a compared field, which ACCEPT_SOURCE writes back. */
function sourceValueOf(view: MasterView, field: MasterDifference['field']): unknown {
  return field === 'name' ? view.displayName ?? null : view[field] ?? null;
}
