/**
 * Whether a linked system's copy of a customer's master fields agrees with the CRM's (the system of
 * record), both already in canonical form (MasterView). Pure. The rules are chosen so that the same
 * person stored in each system's own dialect shows no difference, while a real one does:
 *
 * - name: a source with one display name (the ERP) against the CRM's display name; a source with
 *   name parts (the shop) part by part. Compared as written (case counts), after trimming, collapsing
 *   runs of spaces and Unicode NFC.
 * - email: ignoring letter case.
 * - phone: the E.164 string exactly. A value that is no E.164 number ("ask reception", which the read
 *   path passes through as stored) has no canonical form and counts as none: the shop cannot hold
 *   such a value at all, so it would otherwise always differ.
 * - address: line1, city, postalCode and country always; line2 and region only when both sides have
 *   one, because HubSpot has no line2, the ERP's state_id is not read, and the shop keeps a province
 *   code only where the CRM may hold a region's name. Parts ignore letter case and runs of spaces.
 */
import type { AddressFields, MasterView } from './write-adapter.ts';

export interface MasterDifference {
  field: 'name' | 'firstName' | 'lastName' | 'email' | 'phone' | 'address';
  /** Display strings: the values as each view holds them; an address as one line (formatAddress). */
  crmValue: string | null;
  sourceValue: string | null;
}

/**
 * Per master field, whether `source` disagrees with the CRM's `crm` view. Only fields the source holds
 * are compared: its name parts or its display name, whichever it defines. `crm` is the CRM's view,
 * which holds both.
 */
export function masterDifferences(crm: MasterView, source: MasterView): MasterDifference[] {
  const out: MasterDifference[] = [];
  const check = (field: MasterDifference['field'], crmValue: string | null, sourceValue: string | null, same: (a: string | null, b: string | null) => boolean) => {
    if (!same(crmValue, sourceValue)) out.push({ field, crmValue, sourceValue });
  };
  if (source.displayName !== undefined) check('name', crm.displayName ?? null, source.displayName, sameName);
  if (source.firstName !== undefined) check('firstName', crm.firstName ?? null, source.firstName, sameName);
  if (source.lastName !== undefined) check('lastName', crm.lastName ?? null, source.lastName, sameName);
  check('email', crm.email, source.email, (a, b) => lower(a) === lower(b));
  check('phone', crm.phone, source.phone, (a, b) => e164(a) === e164(b));
  if (!sameAddress(crm.address, source.address)) {
    out.push({ field: 'address', crmValue: formatAddress(crm.address), sourceValue: formatAddress(source.address) });
  }
  return out;
}

/** "line1, line2, city, region, postalCode, country", leaving out empty parts; null when none is set. */
export function formatAddress(address: AddressFields | null): string | null {
  if (!address) return null;
  const parts = [address.line1, address.line2, address.city, address.region, address.postalCode, address.country];
  return parts.filter((p): p is string => !!p?.trim()).map((p) => p.trim()).join(', ') || null;
}

const tidy = (value: string | null): string | null => value?.normalize('NFC').trim().replace(/\s+/g, ' ') || null;
const lower = (value: string | null): string | null => tidy(value)?.toLowerCase() ?? null;
const sameName = (a: string | null, b: string | null): boolean => tidy(a) === tidy(b);
const e164 = (value: string | null): string | null => (value && /^\+[1-9]\d{1,14}$/.test(value.trim()) ? value.trim() : null);

const NO_ADDRESS: AddressFields = { line1: null, line2: null, city: null, region: null, postalCode: null, country: null };

function sameAddress(crm: AddressFields | null, source: AddressFields | null): boolean {
  const a = crm ?? NO_ADDRESS;
  const b = source ?? NO_ADDRESS;
  const always = (['line1', 'city', 'postalCode', 'country'] as const).every((part) => lower(a[part]) === lower(b[part]));
  const whenBoth = (['line2', 'region'] as const).every((part) => !lower(a[part]) || !lower(b[part]) || lower(a[part]) === lower(b[part]));
  return always && whenBoth;
}
