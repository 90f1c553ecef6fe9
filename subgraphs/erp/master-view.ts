/**
 * res.partner → the master fields as the ERP holds them, in canonical form (for reconciliation): Odoo's
 * `false` is null, the phone is E.164 with the partner's country as the default region, the country
 * an ISO code from country_id's name (as the read path's transforms do it). The region is null: state_id
 * is not read, as it is not written (see partner-vals.ts).
 */
import { toCountryCode } from '../shared/country.ts';
import { toE164 } from '../shared/phone.ts';
import { displayName } from '../shared/text.ts';
import type { AddressFields, MasterView } from '../shared/write-adapter.ts';
import { many2oneName, text } from './odoo-values.ts';
import type { OdooPartnerContact } from './types.ts';

export function partnerMasterView(record: OdooPartnerContact): MasterView {
  const email = text(record.email);
  const country = toCountryCode(many2oneName(record.country_id));
  const address: AddressFields = {
    line1: text(record.street), line2: text(record.street2), city: text(record.city), region: null, postalCode: text(record.zip), country,
  };
  return {
    displayName: partnerDisplayName(text(record.name), email),
    email,
    phone: toE164(text(record.phone), country),
    address: Object.values(address).some((v) => v !== null) ? address : null,
  };
}

/**
 * Odoo's `name` is the whole display name. A partner made from nothing but an email address is named
 * by that address, which is no name: the contract's fallback (the email's local part) applies then,
 * as it does to a CRM contact with no name.
 */
function partnerDisplayName(name: string | null, email: string | null): string | null {
  if (name && name.toLowerCase() !== email?.toLowerCase()) return name;
  return displayName({ email }) || null;
}
