/**
 * The shop's side of the write path (the contract is ../shared/write-adapter.ts), over the Shopify
 * client: the customer linked to a CRM contact, and order cancellation.
 *
 * Mapping (canonical → CustomerInput; null clears, as Shopify documents for CustomerInput):
 * firstName, lastName, email, phone (E.164 as given) → the fields of the same name;
 * address → `addresses: [{ address1: line1, address2: line2, city, provinceCode: region, countryCode: country, zip: postalCode }]`,
 * one value compared and written whole (the first address is the default one; [] removes it; region is
 * passed as given, so it must be Shopify's province code). company has no field on Customer in the
 * API subset we use (B2B companies are separate objects), and lifecycleStage is CRM-only: both project to nothing.
 */
import { codedError } from '../../schema/errors.ts';
import type { CustomerLinks } from '../shared/sources.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import type { CommerceOrderAdapter, CustomerField, CustomerFields, LinkedWriteAdapter, SystemRecord, SystemValues } from '../shared/write-adapter.ts';
import { createShopifyClient, SHOPIFY_MAX_PAGE, type ShopifyClientOptions } from './client.ts';
import { chunks } from '../shared/chunks.ts';
import { uniqueEmails } from '../shared/unique-emails.ts';
import { gidNumber, toGid } from './gid.ts';
import { createLoaders } from './loaders.ts';
import type { ShopifyCustomerInput, ShopifyCustomerWriteNode, ShopifyMailingAddressInput, ShopifyOrderCancelReason } from './shopify-types.ts';
import type { ShopCustomerMatch } from './types.ts';
import { customerMasterView } from './master-view.ts';

type Projection = (f: CustomerFields) => ShopifyCustomerInput;

const PROJECTIONS: Record<CustomerField, Projection | null> = {
  firstName: (f) => ({ firstName: f.firstName }),
  lastName: (f) => ({ lastName: f.lastName }),
  email: (f) => ({ email: f.email }),
  phone: (f) => ({ phone: f.phone }),
  address: (f) => ({ addresses: addressList(f.address && {
    address1: f.address.line1, address2: f.address.line2, city: f.address.city,
    provinceCode: f.address.region, countryCode: f.address.country, zip: f.address.postalCode,
  }) }),
  company: null,
  lifecycleStage: null,
};

const ALL_FIELDS = Object.keys(PROJECTIONS) as CustomerField[];

/** The email an update's `changes` (as the projections make them) give the customer: null when they clear it, undefined when they leave it. */
export function emailInCustomerInput(changes: SystemValues): string | null | undefined {
  if (!('email' in changes)) return undefined;
  return typeof changes.email === 'string' ? changes.email : null;
}

const projectFields = (desired: CustomerFields, fields: CustomerField[]): ShopifyCustomerInput =>
  Object.assign({}, ...fields.map((field) => PROJECTIONS[field]?.(desired) ?? {}));

/**
 * The address as the one-element list CustomerInput takes, its keys always in this order so that a
 * read address and a projected one compare equal as values; none (or all parts empty) is [].
 */
function addressList(a: ShopifyMailingAddressInput | null): ShopifyMailingAddressInput[] {
  if (!a || Object.values(a).every((v) => !v)) return [];
  return [{ address1: a.address1 || null, address2: a.address2 || null, city: a.city || null, provinceCode: a.provinceCode || null, countryCode: a.countryCode || null, zip: a.zip || null }];
}

/** The customer as a SystemRecord: its values keyed like `project`'s output, its marker Shopify's updatedAt as read. */
function toSystemRecord(node: ShopifyCustomerWriteNode, match: ShopCustomerMatch): SystemRecord {
  const a = node.defaultAddress;
  const values: ShopifyCustomerInput = {
    firstName: node.firstName || null,
    lastName: node.lastName || null,
    email: node.defaultEmailAddress?.emailAddress || null,
    phone: node.defaultPhoneNumber?.phoneNumber || null,
    addresses: addressList(a && { ...a, countryCode: a.countryCodeV2 }),
  };
  return {
    externalId: node.id,
    marker: node.updatedAt,
    changedAt: Date.parse(node.updatedAt),
    linkedBy: match.linkedBy,
    values: values as SystemValues,
    canonical: customerMasterView(node),
  };
}

/**
 * Shopify's OrderCancelReason for the free-text reason a client gives: the first of these keywords
 * it contains (so "fraud", "Inventory" and "customer changed their mind" map as they read), else OTHER,
 * also when no reason is given. The text itself is kept as the order's staff note.
 */
const CANCEL_REASONS: [RegExp, ShopifyOrderCancelReason][] = [
  [/\bfraud/i, 'FRAUD'],
  [/\b(inventory|stock)\b/i, 'INVENTORY'],
  [/\bdeclin/i, 'DECLINED'],
  [/\bstaff\b/i, 'STAFF'],
  [/\b(customer|buyer)|changed? (their|his|her|my) mind/i, 'CUSTOMER'],
];

export function toOrderCancelReason(reason: string | null): ShopifyOrderCancelReason {
  return CANCEL_REASONS.find(([pattern]) => reason && pattern.test(reason))?.[1] ?? 'OTHER';
}

/** Shopify keeps staff notes to 255 characters. */
const STAFF_NOTE_MAX = 255;

/** The write adapter over the shop at `shopify` (the commerce subgraph's own upstream settings); `options.costBucket` paces it. */
export function createCommerceWriteAdapter(shopify: UpstreamConfig, options: ShopifyClientOptions = {}): LinkedWriteAdapter & CommerceOrderAdapter {
  const client = createShopifyClient(shopify, options);
  const countByEmail = async (email: string): Promise<number> => {
    const wanted = email.trim().toLowerCase();
    const { byEmail } = await client.findCustomers({ gids: [], emails: [wanted], first: EMAIL_COUNT_CAP });
    return byEmail.filter((c) => c.defaultEmailAddress?.emailAddress?.trim().toLowerCase() === wanted).length;
  };

  /**
   * The read path's rule and code (stored gid, else email ignoring case), on fresh loaders: a write
   * never reads from a cache.
   */
  const findCustomer = (links: Pick<CustomerLinks, 'email' | 'shopCustomerId'>): Promise<ShopCustomerMatch | null> =>
    (links.shopCustomerId || links.email ? createLoaders(client).shopCustomer.load(links) : Promise.resolve(null));

  return {
    system: 'COMMERCE',
    async read(links) {
      // A stored gid that still names a customer is the match (the read path's rule comes to the same): one
      // read gives the match, its values and its marker together, a request fewer on every write's way.
      const stored = gidNumber(links.shopCustomerId, 'Customer') ? links.shopCustomerId!.trim() : null;
      const linked = stored && await client.customerForWrite(stored);
      if (linked) return toSystemRecord(linked, { gid: linked.id, updatedAt: linked.updatedAt, linkedBy: 'STORED_ID' });
      // Else by email (the gid, if any, names no customer now).
      const match = await findCustomer(stored ? { ...links, shopCustomerId: null } : links);
      // The values and the marker come from one later read, so they always belong together.
      const node = match && await client.customerForWrite(match.gid);
      return node ? toSystemRecord(node, match!) : null;
    },
    async readMany(links) {
      // One loader set: its search batches the lookups; then one nodes(ids:) read of the values.
      const loaders = createLoaders(client);
      const matches = await Promise.all(links.map((l) => (l.shopCustomerId || l.email ? loaders.shopCustomer.load(l) : null)));
      const gids = matches.filter((m): m is ShopCustomerMatch => m !== null).map((m) => m.gid);
      const nodes = await client.customersForWrite(gids);
      const byGid = new Map(nodes.filter((n): n is ShopifyCustomerWriteNode => n !== null).map((n) => [n.id, n]));
      return matches.map((match) => {
        const node = match && byGid.get(match.gid);
        return node ? toSystemRecord(node, match!) : null;
      });
    },
    project: async (desired, fields) => projectFields(desired, fields) as SystemValues,
    async update(gid, changes) {
      // An update of nothing would still move Shopify's updatedAt, so it is not sent.
      if (Object.keys(changes).length) await client.updateCustomer({ ...(changes as ShopifyCustomerInput), id: gid });
    },
    /**
     * Safe to repeat: a shop customer with the email (any case) is returned instead of creating another,
     * found by search first and, when the search does not list it yet (an earlier attempt whose answer
     * was lost), by Shopify's own `taken` answer to the create.
     */
    async create(desired) {
      const byEmail = () => (desired.email ? findCustomer({ email: desired.email, shopCustomerId: null }) : Promise.resolve(null));
      const existing = await byEmail();
      if (existing) return existing.gid;
      const input = Object.fromEntries(Object.entries(projectFields(desired, ALL_FIELDS))
        .filter(([, value]) => value !== null && !(Array.isArray(value) && value.length === 0)));
      const answer = await client.createCustomer(input);
      if ('id' in answer) return answer.id;
      const taken = await byEmail();
      // Shopify's search trails its writes: the outbox asks again a little later.
      if (!taken) throw codedError('UPSTREAM_UNAVAILABLE', 'Shopify has a customer with this email but does not list it yet.', { system: 'Shopify' });
      return taken.gid;
    },
    /**
     * The customers the email search finds, up to EMAIL_COUNT_CAP: what matters is one or several (an
     * ambiguous email), and a page of 250 would cost the shop's bucket about 500 points a lookup, not 22.
     */
    countByEmail,
    /**
     * The counts of many emails from one search per EMAILS_PER_COUNT of them, asking for twice as many
     * customers as emails: when fewer come back, every match is listed and the counts are exact (each
     * email alone would cost the shop's bucket about as much as the whole search). A full answer may
     * have left some out: then that slice's emails are counted one by one, as countByEmail does.
     */
    async countByEmails(emails) {
      const counts = new Map<string, number>();
      for (const part of chunks(uniqueEmails(emails), EMAILS_PER_COUNT)) {
        const first = Math.min(SHOPIFY_MAX_PAGE, part.length * 2);
        const { byEmail } = await client.findCustomers({ gids: [], emails: part, first });
        if (byEmail.length >= first) {
          for (const email of part) counts.set(email, await countByEmail(email));
          continue;
        }
        part.forEach((email) => counts.set(email, 0));
        for (const customer of byEmail) {
          const email = customer.defaultEmailAddress?.emailAddress?.trim().toLowerCase();
          if (email && counts.has(email)) counts.set(email, counts.get(email)! + 1);
        }
      }
      return counts;
    },
    /** Through the read path's order loader, so the marker is the one Order.version is built from. */
    async readOrder(shopOrderId) {
      if (!/^\d+$/.test(shopOrderId)) return null;
      const order = await createLoaders(client).order.load(shopOrderId);
      return order && { externalId: toGid('Order', shopOrderId), marker: order.shopUpdatedAt, number: order.number, cancelled: order.status === 'CANCELLED' };
    },
    /**
     * Shopify cancels in a background job: on a real shop the order may read as not yet cancelled for
     * a moment after this returns (the stand-in has finished when it answers).
     */
    async cancelOrder(gid, reason) {
      const staffNote = reason?.trim().slice(0, STAFF_NOTE_MAX) || null;
      await client.cancelOrder({ orderId: gid, reason: toOrderCancelReason(reason), staffNote });
    },
  };
}

/** How many customers countByEmail counts at most. */
const EMAIL_COUNT_CAP = 10;
/** Emails per search in countByEmails: with twice as many customers asked, within Shopify's page of 250. */
const EMAILS_PER_COUNT = 100;
