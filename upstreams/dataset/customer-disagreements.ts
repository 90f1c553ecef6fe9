/**
 * Contacts whose links the reconciliation pass must not resolve on its own: an email that matches
 * two records in a system, and a stored id that names no record.
 */
import type { Dataset, DeliberateDisagreement, OdooValue } from './types.ts';
import type { Random } from './random.ts';
import type { CustomerPlan } from './generate.ts';
import { isoSeconds, odooDatetime } from './formats.ts';
import { customerRefOf, partnerIdOf, shopCustomerGid, shopCustomerIdOf } from './ids.ts';

const lower = (email: OdooValue): string | null => (typeof email === 'string' ? email.toLowerCase() : null);
/** The records' emails in lower case, looked up once per plan instead of scanning every record. */
const emailsOf = (records: readonly object[]): Set<string | null> => new Set(records.map((r) => lower((r as { email?: OdooValue }).email ?? null)));

/**
 * Adds one ERP partner and one shop customer, each a later duplicate of the record that a contact
 * linked by email only (no stored id) matches, with the email in another letter case. The new ids
 * come after the existing ones, so a reader that takes the lowest id still finds the original.
 * Marks the contacts chosen in `used`.
 */
export function duplicateEmails(data: Dataset, plans: CustomerPlan[], rng: Random, now: number, used: Set<string>): DeliberateDisagreement[] {
  const out: DeliberateDisagreement[] = [];
  const partners = data.odoo['res.partner'];
  const partnerEmails = emailsOf(partners);
  const erp = choose(rng, plans, used, (p) => !p.contact.properties.erp_partner_id && partnerEmails.has(p.contact.properties.email));
  if (erp) {
    const email = erp.contact.properties.email!;
    const original = partners.find((r) => lower(r.email) === email)!;
    const id = Math.max(...partners.map((r) => r.id)) + 1;
    const created = odooDatetime(rng.instant(Date.parse(erp.contact.createdAt), now));
    partners.push({
      ...original, id, ref: customerRefOf(id), email: inAnotherCase([email, original.email]), street2: false,
      create_date: created, write_date: created,
    });
    out.push({ kind: 'AMBIGUOUS_EMAIL', contactId: erp.contact.id, system: 'ERP' });
  }

  const customers = data.shopify.customers;
  const customerEmails = emailsOf(customers);
  const shop = choose(rng, plans, used, (p) => !p.contact.properties.shop_customer_id && customerEmails.has(p.contact.properties.email));
  if (shop) {
    const email = shop.contact.properties.email!;
    const original = customers.find((c) => lower(c.email) === email)!;
    const created = isoSeconds(rng.instant(Date.parse(shop.contact.createdAt), now));
    customers.push({
      ...original, id: Math.max(...customers.map((c) => c.id)) + 1, email: inAnotherCase([email, original.email]),
      address: original.address && { ...original.address }, tags: [], createdAt: created, updatedAt: created,
    });
    out.push({ kind: 'AMBIGUOUS_EMAIL', contactId: shop.contact.id, system: 'COMMERCE' });
  }
  return out;
}

/**
 * Gives one contact without an ERP partner an erp_partner_id, and another without a shop customer
 * a shop_customer_id, each naming the id its record would have had: a gap below the highest id
 * that no record fills and no create will (see ids.ts). Neither contact stores the other system's
 * id, so pickers of fully linked contacts never meet them. Marks the contacts chosen in `used`.
 */
export function breakLinks(data: Dataset, plans: CustomerPlan[], rng: Random, used: Set<string>): DeliberateDisagreement[] {
  const out: DeliberateDisagreement[] = [];
  const partners = data.odoo['res.partner'];
  const topPartner = Math.max(0, ...partners.map((r) => r.id));
  const partnerEmails = emailsOf(partners);
  const erp = choose(rng, plans, used, (p) => p.erpPartnerId === null && !p.contact.properties.shop_customer_id
    && partnerIdOf(p.index) < topPartner && !partnerEmails.has(p.contact.properties.email));
  if (erp) {
    erp.contact.properties.erp_partner_id = String(partnerIdOf(erp.index));
    out.push({ kind: 'BROKEN_LINK', contactId: erp.contact.id, system: 'ERP' });
  }

  const customers = data.shopify.customers;
  const topCustomer = Math.max(0, ...customers.map((c) => c.id));
  const customerEmails = emailsOf(customers);
  const shop = choose(rng, plans, used, (p) => p.shopCustomerId === null && !p.contact.properties.erp_partner_id
    && shopCustomerIdOf(p.index) < topCustomer && !customerEmails.has(p.contact.properties.email));
  if (shop) {
    shop.contact.properties.shop_customer_id = shopCustomerGid(shopCustomerIdOf(shop.index));
    out.push({ kind: 'BROKEN_LINK', contactId: shop.contact.id, system: 'COMMERCE' });
  }
  return out;
}

/** A random customer not used yet that passes the test, marked as used; none when no customer does. */
function choose(rng: Random, plans: CustomerPlan[], used: Set<string>, test: (plan: CustomerPlan) => boolean): CustomerPlan | null {
  const candidates = plans.filter((p) => !used.has(p.contact.id) && test(p));
  if (candidates.length === 0) return null;
  const chosen = rng.pick(candidates);
  used.add(chosen.contact.id);
  return chosen;
}

/**
 * The contact's email (first, in lower case as generated) in a letter case that no spelling given
 * uses: all capitals, or else a capital first letter (emails start with a letter, see makePerson).
 */
function inAnotherCase([email, ...others]: [string, ...OdooValue[]]): string {
  const upper = email.toUpperCase();
  return others.includes(upper) ? email.replace(/^./, (c) => c.toUpperCase()) : upper;
}
