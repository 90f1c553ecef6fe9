/**
 * Per-request DataLoaders over the HubSpot client. Each batch costs a constant number of HubSpot
 * requests: N contacts by id are one batch read per 100 (the client splits them), and N orders' shop
 * customers are at most two searches per 100: by stored shop customer id, then by email for the rest.
 */
import DataLoader from 'dataloader';
import type { ContactPageQuery, HubSpotClient } from './client.ts';
import { fromHubSpotContact, type CrmCustomer, type HubSpotRecord } from './transforms.ts';
import type { RecordCache } from '../shared/record-cache/record-cache.ts';
import { readThrough } from '../shared/record-cache/read-through.ts';

/** The shop customer behind an order, as the commerce subgraph passes it (`id` is the Shopify gid). */
export interface ShopCustomerRef {
  id: string;
  email?: string | null;
}

export interface CustomerPage {
  customers: CrmCustomer[];
  hasMore: boolean;
}

export interface CrmLoaders {
  /** By HubSpot contact id; null when there is no such contact. */
  customer: DataLoader<string, CrmCustomer | null>;
  /** One page of customers; identical queries within a request are asked once. */
  customerPage: DataLoader<ContactPageQuery, CustomerPage, string>;
  /** The contact storing the shop customer's gid, else the unlinked contact with its email; or null. */
  customerByShopCustomer: DataLoader<ShopCustomerRef, CrmCustomer | null, string>;
  /**
   * Starts reading these contacts by id without waiting, for a later request of the same operation to
   * find in flight or kept (record-cache.ts); nothing without the record cache, where it could not be found.
   */
  readAhead(contactIds: readonly string[]): void;
}

/** Keeps each lookup search's `IN` list at 100 values at most. */
const MAX_LOOKUP_BATCH = 100;

/** `cache`: the subgraph's record cache, which serves `customer` by id (null: none, as for the write path). */
export function createLoaders(client: HubSpotClient, cache: RecordCache | null = null): CrmLoaders {
  const read = async (ids: readonly string[]) => {
    const byId = new Map((await client.readContacts([...ids])).map((r) => [r.id, r]));
    return ids.map((id) => toCustomer(byId.get(id)));
  };
  // By id alone: a read started ahead (readAhead, by this request or another) may serve a later one.
  const shelf = cache?.shelf<CrmCustomer>('contact') ?? null;
  const customer: CrmLoaders['customer'] = new DataLoader(readThrough(shelf, { idOf: (id) => id, keeps: () => true, joinsInFlight: true }, read));
  const ahead = new DataLoader(readThrough(shelf, { idOf: (id: string) => id, keeps: () => true, joinsInFlight: true, offersInFlight: true }, read));
  return {
    customer,

    customerPage: new DataLoader(
      (queries) => Promise.all(queries.map(async (q) => {
        const page = await client.pageContacts(q);
        return { customers: page.results.map(fromHubSpotContact), hasMore: page.hasMore };
      })),
      { cacheKeyFn: (q) => JSON.stringify(q) },
    ),

    customerByShopCustomer: new DataLoader(async (refs) => {
      const byGid = indexByValue(await client.findByShopCustomerIds(refs.map((r) => r.id)), 'shop_customer_id');
      const unmatchedEmails = refs.filter((r) => !byGid.has(normalize(r.id)) && r.email).map((r) => r.email!);
      const byEmail = indexByValue(await client.findUnlinkedByEmails(unmatchedEmails), 'email');
      return refs.map((r) => toCustomer(byGid.get(normalize(r.id)) ?? (r.email ? byEmail.get(normalize(r.email)) : undefined)));
    }, { maxBatchSize: MAX_LOOKUP_BATCH, cacheKeyFn: (r) => `${normalize(r.id)} ${normalize(r.email ?? '')}` }),

    readAhead(contactIds) {
      // loadMany answers failures in its list, never rejects: a failed read ahead is read again when wanted.
      if (cache && contactIds.length) void ahead.loadMany(contactIds);
    },
  };
}

const toCustomer = (record: HubSpotRecord | undefined) => (record ? fromHubSpotContact(record) : null);

/** Gids and emails are compared as HubSpot compares text: ignoring case (and stray spaces). */
const normalize = (value: string) => value.trim().toLowerCase();

/**
 * Records keyed by a property's normalized value. Nothing in HubSpot stops two contacts from storing
 * the same value; the oldest contact (lowest id) wins, so the answer is stable.
 */
function indexByValue(records: HubSpotRecord[], property: string): Map<string, HubSpotRecord> {
  const index = new Map<string, HubSpotRecord>();
  for (const record of [...records].sort((a, b) => Number(a.id) - Number(b.id))) {
    const value = record.properties[property];
    if (value && !index.has(normalize(value))) index.set(normalize(value), record);
  }
  return index;
}
