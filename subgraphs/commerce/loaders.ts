/**
 * Per-request DataLoaders over the Shopify client. Each batch of entities costs a fixed number of
 * requests: `nodes(ids:)` for orders and customers, one search for SKUs or emails, and one
 * `nodes(ids:) { ... on Customer { orders } }` per distinct page asked for. When the resolvers announce
 * (expectOrders, expectTotals) that they will want the customers' orders, the customer lookup brings
 * them in the same request and primes customerOrders and orderTotals: one request, not two in a row.
 */
import DataLoader from 'dataloader';
import type { CustomerLinks } from '../shared/sources.ts';
import { SHOPIFY_MAX_PAGE, type ShopifyClient } from './client.ts';
import { gidNumber, toGid } from './gid.ts';
import type { ShopifyCustomerNode } from './shopify-types.ts';
import { EMPTY_ORDER_PAGE, fromShopifyOrder, fromShopifyVariant, toOrderPage, toOrderTotals, toShopCustomerMatch } from './transforms.ts';
import type { Order, OrderFilter, OrderPage, OrderTotal, Product, ShopCustomerMatch } from './types.ts';
import type { RecordCache } from '../shared/record-cache/record-cache.ts';
import { readThrough } from '../shared/record-cache/read-through.ts';
import { dependOn, namedRead } from '../shared/record-cache/answer-dependencies.ts';
import { commerceOrdersKey, emailKeyId, keyText } from '../shared/record-cache/record-keys.ts';

/** Searches with one term per value are kept to this many values, so the query string stays short. */
const SEARCH_BATCH = 100;

export type CustomerLinkKey = Pick<CustomerLinks, 'email' | 'shopCustomerId'>;

export interface CustomerOrdersKey {
  gid: string;
  first: number;
  /** Shopify's own cursor (already unwrapped from ours), or null for the first page. */
  after: string | null;
}

export interface Loaders {
  /** Orders by numeric shop id. */
  order: DataLoader<string, Order | null>;
  /** Products by SKU, from the shop's variants. */
  product: DataLoader<string, Product | null>;
  /** The shop customer behind a CRM customer's links: stored gid first, else email. */
  shopCustomer: DataLoader<CustomerLinkKey, ShopCustomerMatch | null, string>;
  customerOrders: DataLoader<CustomerOrdersKey, OrderPage, string>;
  /** Totals of every non-cancelled order of a shop customer, by gid. */
  orderTotals: DataLoader<string, OrderTotal[]>;
  /** One page of the shop's orders, newest first (a list, so nothing to batch). */
  listOrders(args: { first: number; after: string | null; filter: OrderFilter | null }): Promise<OrderPage>;
  /** Before a shopCustomer load: this request will want this page of the customers' orders. */
  expectOrders(page: { first: number; after: string | null }): void;
  /** Before a shopCustomer load: this request will want the customers' order totals. */
  expectTotals(): void;
}

/** What the shopCustomer lookups of one request bring along (the first page announced; later ones load on their own). */
interface Expected {
  orders?: { first: number; after: string | null };
  totals: boolean;
}

const lower = (email: string | null | undefined) => email?.trim().toLowerCase() || null;
const unique = <T>(values: T[]): T[] => [...new Set(values)];

/**
 * `cache`: the subgraph's record cache, which serves a shop customer by its stored gid when it was last
 * found by that gid (a match by email is always searched afresh, and an answer made from it depends on
 * the email's key and the customer found); null: none, as for the write path.
 */
export function createLoaders(client: ShopifyClient, cache: RecordCache | null = null): Loaders {
  const expected: Expected = { totals: false };
  // With a record cache, a customer's orders are a named read: answers holding them depend on every shop
  // order (commerceOrdersKey, which the sync service announces on any order change), for at most the record TTL.
  const ordersShelf = cache?.shelf('order');
  const ordersRead = <T>(read: () => Promise<T>): Promise<T> => {
    if (!ordersShelf) return read();
    dependOn(keyText(commerceOrdersKey), ordersShelf.remainingMs());
    return namedRead(read);
  };
  const customerOrders = new DataLoader((keys: readonly CustomerOrdersKey[]) => ordersRead(() => customerOrderPages(client, keys)), {
    maxBatchSize: SHOPIFY_MAX_PAGE,
    cacheKeyFn: pageKey,
  });
  const orderTotals = new DataLoader((gids: readonly string[]) => ordersRead(() => allOrderTotals(client, gids)), { maxBatchSize: SHOPIFY_MAX_PAGE });
  /** The orders a lookup brought along, for the loaders that would otherwise ask for them next. */
  const primeFrom = (customer: ShopifyCustomerNode) => {
    if (ordersShelf && (customer.orders || customer.orderTotals)) dependOn(keyText(commerceOrdersKey), ordersShelf.remainingMs());
    if (customer.orders && expected.orders) {
      customerOrders.prime({ gid: customer.id, ...expected.orders }, toOrderPage(customer.orders));
    }
    // Totals beyond the first page take more requests: those customers go through orderTotals itself.
    if (customer.orderTotals && !customer.orderTotals.pageInfo.hasNextPage) {
      orderTotals.prime(customer.id, toOrderTotals(customer.orderTotals.nodes));
    }
  };
  return {
    order: new DataLoader(async (ids) => {
      const nodes = await client.ordersByIds(ids.map((id) => toGid('Order', id)));
      return nodes.map((node) => (node ? fromShopifyOrder(node) : null));
    }, { maxBatchSize: SHOPIFY_MAX_PAGE }),

    product: new DataLoader(async (skus) => {
      const { shopCurrency, variants } = await client.variantsBySkus(skus);
      const bySku = new Map(variants.filter((v): v is typeof v & { sku: string } => !!v.sku).map((v) => [v.sku, v]));
      return skus.map((sku) => {
        const variant = bySku.get(sku);
        return variant ? fromShopifyVariant(variant, shopCurrency) : null;
      });
    }, { maxBatchSize: SEARCH_BATCH }),

    // A customer served from the cache brings no orders along: its orders load on their own, beside the
    // lookup of the others when there is one. So that they need not wait for it (a second level), a
    // lookup that brings orders or totals asks for the cached customers of its batch too.
    shopCustomer: new DataLoader(readThrough(cache?.shelf<ShopCustomerMatch>('customer') ?? null, {
      idOf: (key) => gidNumber(key.shopCustomerId, 'Customer'),
      keeps: (_key, match) => match.linkedBy === 'STORED_ID',
      // A match by email (or none) depends on the email's key and the customer found: each create, update
      // setting an email and customers/* webhook names the customer's email, every change its id.
      searchNamedBy: (key, found) => [emailKeyId(key.email), found && gidNumber(found.gid, 'Customer'), gidNumber(key.shopCustomerId, 'Customer')],
      asksAllWithMissing: () => expected.orders !== undefined || expected.totals,
    }, async (keys) => {
      const lookup = (args: { gids: readonly string[]; emails: readonly string[] }) =>
        client.findCustomers({ ...args, orders: expected.orders, totals: expected.totals });
      const matches = await findShopCustomers(lookup, keys);
      for (const match of matches) if (match) primeFrom(match.node);
      return matches.map((match) => match && match.match);
    }), {
      maxBatchSize: SEARCH_BATCH,
      cacheKeyFn: (key) => `${key.shopCustomerId ?? ''}|${lower(key.email) ?? ''}`,
    }),

    customerOrders,
    orderTotals,

    async listOrders({ first, after, filter }) {
      return toOrderPage(await client.listOrders({ first, after, filter }));
    },

    expectOrders: (page) => {
      expected.orders ??= page;
    },
    expectTotals: () => {
      expected.totals = true;
    },
  };
}

/**
 * One request finds the customers by stored gid and, for keys without a usable gid, by email. A stored
 * gid that names no customer (deleted in the shop) falls back to its email, in a second request
 * that only such stale links cost.
 */
async function findShopCustomers(
  findCustomers: (args: { gids: readonly string[]; emails: readonly string[] }) => ReturnType<ShopifyClient['findCustomers']>,
  keys: readonly CustomerLinkKey[],
): Promise<({ match: ShopCustomerMatch; node: ShopifyCustomerNode } | null)[]> {
  const stored = (key: CustomerLinkKey) => (gidNumber(key.shopCustomerId, 'Customer') ? key.shopCustomerId!.trim() : null);
  const gids = unique(keys.map(stored).filter((g): g is string => g !== null));
  const emailsFor = (wanted: readonly CustomerLinkKey[]) => unique(wanted.map((k) => lower(k.email)).filter((e): e is string => e !== null));

  const byGid = new Map<string, ShopifyCustomerNode>();
  const byEmail = new Map<string, ShopifyCustomerNode>();
  const remember = (found: { byGid: (ShopifyCustomerNode | null)[]; byEmail: ShopifyCustomerNode[] }, asked: string[]) => {
    found.byGid.forEach((c, i) => c && byGid.set(asked[i], c));
    for (const c of found.byEmail) {
      const email = lower(c.defaultEmailAddress?.emailAddress);
      if (email && !byEmail.has(email)) byEmail.set(email, c);
    }
  };

  const emails = emailsFor(keys.filter((k) => !stored(k)));
  remember(await findCustomers({ gids, emails }), gids);
  const stale = emailsFor(keys.filter((k) => stored(k) && !byGid.has(stored(k)!))).filter((e) => !emails.includes(e));
  if (stale.length) remember(await findCustomers({ gids: [], emails: stale }), []);

  return keys.map((key) => {
    const gid = stored(key);
    const linked = gid ? byGid.get(gid) : undefined;
    if (linked) return { match: toShopCustomerMatch(linked, 'STORED_ID'), node: linked };
    const matched = byEmail.get(lower(key.email) ?? '');
    return matched ? { match: toShopCustomerMatch(matched, 'EMAIL_MATCH'), node: matched } : null;
  });
}

const pageKey = (key: CustomerOrdersKey) => JSON.stringify([key.gid, key.first, key.after]);

/** One request per distinct (first, after): the whole batch's customers share it. */
async function customerOrderPages(client: ShopifyClient, keys: readonly CustomerOrdersKey[]): Promise<OrderPage[]> {
  const groups = new Map<string, CustomerOrdersKey[]>();
  for (const key of keys) {
    const group = JSON.stringify([key.first, key.after]);
    groups.set(group, [...(groups.get(group) ?? []), key]);
  }
  const pages = new Map<string, OrderPage>();
  await Promise.all([...groups.values()].map(async (group) => {
    const { first, after } = group[0];
    const gids = unique(group.map((k) => k.gid));
    const found = await client.customerOrders(gids, { first, after });
    gids.forEach((gid, i) => pages.set(pageKey({ gid, first, after }), found[i] ? toOrderPage(found[i]) : EMPTY_ORDER_PAGE));
  }));
  return keys.map((key) => pages.get(pageKey(key))!);
}

/** Every page of every customer's orders: the first for all at once, then one request per further round. */
async function allOrderTotals(client: ShopifyClient, gids: readonly string[]): Promise<OrderTotal[][]> {
  const totals = new Map<string, OrderTotal[]>(gids.map((gid) => [gid, []]));
  const first = await client.customerOrderTotals(gids);
  let pending: { gid: string; after: string }[] = [];
  const collect = (gid: string, page: (typeof first)[number]) => {
    if (!page) return;
    totals.get(gid)!.push(...toOrderTotals(page.nodes));
    if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) pending.push({ gid, after: page.pageInfo.endCursor });
  };
  first.forEach((page, i) => collect(gids[i], page));
  while (pending.length) {
    const round = pending;
    pending = [];
    const pages = await client.moreCustomerOrderTotals(round);
    pages.forEach((page, i) => collect(round[i].gid, page));
  }
  return gids.map((gid) => totals.get(gid)!);
}
