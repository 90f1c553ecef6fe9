/**
 * Canonical customer fields → Odoo `res.partner` vals for writes, and a partner's current values under
 * the same keys, so that the orchestrator can compare them key by key. Odoo clears a field with
 * `false` (its JSON-2 API has no null for "empty"), so a cleared canonical value becomes `false`.
 *
 * | canonical | vals |
 * | --- | --- |
 * | firstName, lastName, company | `name`: "first last", else company, else the email's local part (the contract's display name), from the whole desired state |
 * | email, phone | `email`, `phone` as given (phone in E.164) |
 * | address | `street` (line1), `street2` (line2), `city`, `zip` (postalCode), `country_id` (the res.country id of the ISO code) |
 * | lifecycleStage | nothing: the CRM alone keeps it |
 *
 * `state_id` is never written: the canonical region is free text and would need a res.country.state
 * lookup per country, which is not done. A partner keeps its state when its address changes or is
 * cleared, even if that state belongs to its former country.
 */
import { displayName } from '../shared/text.ts';
import type { CustomerField, CustomerFields, SystemValues } from '../shared/write-adapter.ts';
import { many2oneId } from './odoo-values.ts';
import type { OdooPartnerContact } from './types.ts';

const NAME_PARTS: CustomerField[] = ['firstName', 'lastName', 'company'];

/**
 * The vals for the named fields of `desired`. `countryId` is the res.country id of
 * `desired.address.country` (false when it has none); it is used only when `address` is named.
 */
export function toPartnerVals(desired: CustomerFields, fields: CustomerField[], countryId: number | false): SystemValues {
  const vals: SystemValues = {};
  if (NAME_PARTS.some((f) => fields.includes(f))) vals.name = displayName(desired) || false;
  if (fields.includes('email')) vals.email = desired.email ?? false;
  if (fields.includes('phone')) vals.phone = desired.phone ?? false;
  if (fields.includes('address')) {
    const address = desired.address;
    vals.street = address?.line1 ?? false;
    vals.street2 = address?.line2 ?? false;
    vals.city = address?.city ?? false;
    vals.zip = address?.postalCode ?? false;
    vals.country_id = countryId;
  }
  return vals;
}

/** The email toPartnerVals' `vals` set (Odoo's false: cleared), or undefined when they leave it. */
export function emailInVals(vals: SystemValues): string | null | undefined {
  if (!('email' in vals)) return undefined;
  return typeof vals.email === 'string' ? vals.email : null;
}

/** A partner's current values under toPartnerVals' keys: as Odoo returned them, a many2one as its id. */
export function partnerVals(record: OdooPartnerContact): SystemValues {
  return {
    name: record.name,
    email: record.email,
    phone: record.phone,
    street: record.street,
    street2: record.street2,
    city: record.city,
    zip: record.zip,
    country_id: many2oneId(record.country_id) ?? false,
  };
}
