import type { Dataset, DatasetOptions, DeliberateDisagreement, HubSpotContact, MastodonAccount, MastodonStatus, OdooRecord, ShopifyCustomer } from './types.ts';
import { DEFAULT_DATASET_OPTIONS } from './types.ts';
import { Random } from './random.ts';
import { COMPANIES, FIRST_NAMES, LAST_NAMES, PLACES, type Place } from './places.ts';
import { DAY_MS, dateOnly, hubspotDate, isoSeconds, isoUtc, odooDatetime } from './formats.ts';
import { generateOrders } from './orders.ts';
import { generateCatalogue } from './catalogue.ts';
import { contactIdOf, customerRefOf, partnerIdOf, shopCustomerGid, shopCustomerIdOf } from './ids.ts';
import { plantDisagreements } from './disagreements.ts';

/** The dataset's clock: every generated instant lies before it, so the data never depends on today. */
export const DATASET_NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const START = Date.UTC(2024, 0, 1);
export const MASTODON_DOMAIN = 'social.example';

/** How one customer is (or is not) present in the other systems; the generator's plan for links and disagreements. */
export interface CustomerPlan {
  index: number;
  contact: HubSpotContact;
  erpPartnerId: number | null;
  shopCustomerId: number | null;
}

/**
 * Builds the whole cross-system dataset from a seed. Same options, same data, byte for byte.
 * Linking mix: most contacts store the other systems' ids; some are linkable only by email (with a
 * different letter case there); some have no ERP or shop record; a few disagree (phone or street in the ERP).
 * More disagreements are planted afterwards from a stream of their own (see disagreements.ts), and
 * `disagreements` lists them all.
 */
export function generateDataset(options: Partial<DatasetOptions> = {}): Dataset {
  const opts = { ...DEFAULT_DATASET_OPTIONS, ...options };
  const rng = new Random(opts.seed);
  const catalogue = generateCatalogue(rng, opts.products, DATASET_NOW);
  const contacts: HubSpotContact[] = [];
  const partners: OdooRecord[] = [];
  const shopCustomers: ShopifyCustomer[] = [];
  const accounts: MastodonAccount[] = [];
  const statuses: MastodonStatus[] = [];
  const plans: CustomerPlan[] = [];
  const fieldMismatches: DeliberateDisagreement[] = [];

  for (let i = 0; i < opts.customers; i++) {
    const person = makePerson(rng, i);
    const created = rng.instant(START, DATASET_NOW - 30 * DAY_MS);
    const updated = rng.instant(created, DATASET_NOW);
    const props: Record<string, string | null> = {
      firstname: person.first, lastname: person.last, email: person.email,
      phone: person.phone.local, company: person.company,
      address: person.street, city: person.city.city, state: person.city.region, zip: person.zip,
      country: rng.pick(person.place.crmSpellings),
      lifecyclestage: rng.pick(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'customer', 'customer', 'evangelist', 'other']),
      date_of_birth: rng.chance(0.6) ? hubspotDate(rng.instant(Date.UTC(1950, 0, 1), Date.UTC(2003, 0, 1))) : null,
      createdate: isoUtc(created), lastmodifieddate: isoUtc(updated), hs_object_id: contactIdOf(i),
      erp_partner_id: null, shop_customer_id: null, mastodon_acct: null,
    };
    const contact: HubSpotContact = { id: contactIdOf(i), properties: props, createdAt: isoUtc(created), updatedAt: isoUtc(updated), archived: false };

    let erpPartnerId: number | null = null;
    const erpRoll = rng.float();
    if (erpRoll < 0.9) {
      erpPartnerId = partnerIdOf(i);
      if (erpRoll < 0.8) props.erp_partner_id = String(erpPartnerId);
      const { partner, differs } = makePartner(rng, person, erpPartnerId, i, created, erpRoll >= 0.8);
      partners.push(partner);
      if (differs) fieldMismatches.push({ kind: 'FIELD_MISMATCH', contactId: contact.id, system: 'ERP', field: differs });
    }
    let shopCustomerId: number | null = null;
    const shopRoll = rng.float();
    if (shopRoll < 0.87) {
      shopCustomerId = shopCustomerIdOf(i);
      if (shopRoll < 0.75) props.shop_customer_id = shopCustomerGid(shopCustomerId);
      shopCustomers.push(makeShopCustomer(rng, person, shopCustomerId, created, shopRoll >= 0.75));
    }
    if (rng.chance(0.5)) {
      const account = makeMastodonAccount(rng, person, i, created);
      props.mastodon_acct = `${account.username}@${MASTODON_DOMAIN}`;
      accounts.push(account);
      statuses.push(...makeStatuses(rng, account));
    }
    contacts.push(contact);
    plans.push({ index: i, contact, erpPartnerId, shopCustomerId });
  }

  const orders = generateOrders(rng, opts.orders, plans, catalogue, DATASET_NOW);
  const dataset: Dataset = {
    hubspot: { contacts },
    odoo: { ...catalogue.odoo, 'res.partner': partners, 'sale.order': orders.saleOrders, 'account.move': orders.invoices },
    shopify: { shopCurrency: 'USD', customers: shopCustomers, orders: orders.shopOrders, variants: catalogue.variants },
    mastodon: { domain: MASTODON_DOMAIN, accounts, statuses },
    disagreements: fieldMismatches,
  };
  // A stream of its own (not seed + 1, which is another dataset's main stream): planting draws
  // nothing from the main one, so every record above stays as it was except those changed on purpose.
  plantDisagreements(dataset, plans, new Random(`${opts.seed}/disagreements`), DATASET_NOW);
  return dataset;
}

interface Person {
  first: string | null; last: string | null; company: string | null; email: string;
  place: Place; city: Place['cities'][number]; street: string; zip: string;
  phone: { local: string; e164: string };
}

function makePerson(rng: Random, i: number): Person {
  const place = rng.pick(PLACES);
  const city = rng.pick(place.cities);
  const kind = rng.float();
  // 5% are a company without a person's name, 3% are known only by their email address.
  const first = kind < 0.08 ? null : rng.pick(FIRST_NAMES);
  const last = kind < 0.08 ? null : rng.pick(LAST_NAMES);
  const company = kind < 0.05 || rng.chance(0.4) ? rng.pick(COMPANIES) : null;
  const local = first && last ? `${first}.${last}` : company ? company.split(' ')[0] : 'contact';
  const email = `${local.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase()}${i}@example.com`;
  const phone = rng.chance(0.03) ? { local: 'ask reception', e164: '' } : place.phone(rng);
  return { first, last, company, email, place, city, street: rng.pick(place.streets), zip: city.zip(), phone };
}

/** A partner, and the master field it was made to disagree on with the CRM, if any. */
interface PartnerDraft {
  partner: OdooRecord;
  differs: 'phone' | 'address' | null;
}

function makePartner(rng: Random, person: Person, id: number, i: number, created: number, emailOnly: boolean): PartnerDraft {
  // A few partners disagree with the CRM on purpose: another phone, or another street.
  const disagree = rng.float();
  const phone = disagree < 0.04 ? person.place.phone(rng).local : person.phone.local || false;
  const street = disagree >= 0.04 && disagree < 0.08 ? rng.pick(person.place.streets.filter((s) => s !== person.street)) ?? false : person.street;
  const name = [person.first, person.last].filter(Boolean).join(' ') || person.company || person.email;
  const term = rng.pick<[number, string] | false>([[1, 'Immediate Payment'], [2, '30 Days'], [3, '45 Days'], false]);
  const partner: OdooRecord = {
    id, name, email: emailOnly ? person.email.toUpperCase() : person.email, phone,
    street, street2: rng.chance(0.2) ? `Suite ${rng.int(100, 999)}` : false, city: person.city.city, zip: person.zip,
    state_id: person.city.region ? [1000 + i, person.city.region] : false,
    country_id: [person.place.odooId, person.place.odooName],
    ref: customerRefOf(id),
    credit_limit: rng.pick([0, 1000, 5000, 12500.5, 25000]),
    property_payment_term_id: term,
    active: true,
    create_date: odooDatetime(created),
    write_date: odooDatetime(rng.instant(created, DATASET_NOW)),
  };
  // Another phone drawn at random may by chance be the same one: only a real difference counts.
  return { partner, differs: phone !== person.phone.local ? 'phone' : street !== person.street ? 'address' : null };
}

function makeShopCustomer(rng: Random, person: Person, id: number, created: number, emailOnly: boolean): ShopifyCustomer {
  return {
    id, firstName: person.first, lastName: person.last,
    // Email-only links differ in letter case, as hand-typed addresses do.
    email: emailOnly ? person.email.replace(/^./, (c) => c.toUpperCase()).replace('@example.com', '@Example.com') : person.email,
    phone: person.phone.e164 || null,
    address: {
      address1: person.street, address2: null, city: person.city.city,
      provinceCode: person.city.region && person.city.region.length === 2 ? person.city.region : null,
      countryCodeV2: person.place.code, zip: person.zip,
    },
    tags: rng.chance(0.3) ? ['vip'] : [],
    createdAt: isoSeconds(created),
    updatedAt: isoSeconds(rng.instant(created, DATASET_NOW)),
  };
}

function makeMastodonAccount(rng: Random, person: Person, i: number, created: number): MastodonAccount {
  const username = `${(person.first ?? person.company ?? 'user').normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase()}${i}`;
  const midnight = Math.floor(created / DAY_MS) * DAY_MS;
  const display = [person.first, person.last].filter(Boolean).join(' ') || person.company || username;
  return {
    id: String(109_000_000_000_000_000n + BigInt(i) * 7919n),
    username, acct: username, display_name: display,
    note: `<p>${person.company ? `Works at ${person.company} &amp; friends` : 'Tinkerer &amp; reader'}<br>Based in ${person.city.city}</p><p>Posts are my own.</p>`,
    url: `https://${MASTODON_DOMAIN}/@${username}`,
    avatar: `https://${MASTODON_DOMAIN}/avatars/${username}.png`,
    followers_count: rng.int(0, 5000), following_count: rng.int(0, 800), statuses_count: 0,
    last_status_at: null,
    created_at: new Date(midnight).toISOString(),
    fields: [{ name: 'Website', value: `<a href="https://example.com/${username}" rel="me">example.com/${username}</a>`, verified_at: null }],
  };
}

function makeStatuses(rng: Random, account: MastodonAccount): MastodonStatus[] {
  const count = rng.int(0, 12);
  const created = Date.parse(account.created_at);
  const times = Array.from({ length: count }, () => rng.instant(created, DATASET_NOW)).sort((a, b) => b - a);
  account.statuses_count = count;
  account.last_status_at = times.length ? dateOnly(times[0]) : null;
  return times.map((t, k) => {
    const id = String(BigInt(t) * 65536n + BigInt(k));
    return {
      id, account_id: account.id, created_at: isoUtc(t),
      content: `<p>Shipping day ${k + 1} &mdash; &quot;it works&quot; &lt;3<br>#build</p>`,
      url: `https://${MASTODON_DOMAIN}/@${account.username}/${id}`,
      favourites_count: rng.int(0, 200), reblogs_count: rng.int(0, 40), replies_count: rng.int(0, 15),
      visibility: 'public',
    };
  });
}
