/** Read resolvers of the Admin schema subset, over the stand-in's store. */
import { GraphQLError, type GraphQLResolveInfo, responsePathAsArray } from 'graphql';
import { Decimal } from 'decimal.js';
import type { ShopifyCustomer, ShopifyLineItem, ShopifyVariant } from '../dataset/types.ts';
import { idOfType, parseGid, toGid } from './gid.ts';
import { paginate, type PageArgs } from './connection.ts';
import { compileSearch, type SearchFields, type SearchWarning } from './search.ts';
import { customerSearch, orderSearch, variantSearch } from './search-fields.ts';
import { indexedPage, type IndexedSource } from './indexed-page.ts';
import type { ShopifyStore, StoredOrder } from './store.ts';

export interface AdminContext {
  store: ShopifyStore;
  /** Search warnings met while executing, reported under `extensions.search` as Shopify does. */
  searchWarnings: { path: (string | number)[]; query: string; warnings: SearchWarning[] }[];
  /** Counts one execution of a root field (e.g. `nodes`), for tests that assert batching. */
  countRootField: (name: string) => void;
}

type ConnectionArgs = PageArgs & { query?: string | null; sortKey: string };

const MAX_NODE_IDS = 250;
const ms = (iso: string) => Date.parse(iso);

const CUSTOMER_SORT: Record<string, (c: ShopifyCustomer) => number | string> = {
  ID: (c) => c.id,
  CREATED_AT: (c) => ms(c.createdAt),
  UPDATED_AT: (c) => ms(c.updatedAt),
  NAME: (c) => displayName(c).toLowerCase(),
};
const ORDER_SORT: Record<string, (o: StoredOrder) => number> = {
  ID: (o) => o.id,
  CREATED_AT: (o) => ms(o.createdAt),
  PROCESSED_AT: (o) => ms(o.processedAt),
  UPDATED_AT: (o) => ms(o.updatedAt),
};
const VARIANT_SORT: Record<string, (v: ShopifyVariant) => number | string> = {
  ID: (v) => v.id,
  SKU: (v) => v.sku,
  TITLE: (v) => v.title.toLowerCase(),
};

/** Filters by the search query (recording its warnings) and pages the rest. */
function searchConnection<T extends { id: number }>(
  items: Iterable<T>, args: ConnectionArgs, search: SearchFields<T>, sort: (item: T) => number | string, ctx: AdminContext, info: GraphQLResolveInfo,
) {
  const { matches, warnings } = compileSearch(args.query, search);
  if (warnings.length) ctx.searchWarnings.push({ path: responsePathAsArray(info.path), query: args.query ?? '', warnings });
  return paginate([...items].filter(matches), args, sort, (item) => item.id);
}

/** Over the whole collection, through the store's indexes (indexed-page.ts). */
function indexedConnection<T extends { id: number }>(
  source: IndexedSource<T>, args: ConnectionArgs, search: SearchFields<T>, sort: (item: T) => number | string, ctx: AdminContext, info: GraphQLResolveInfo,
) {
  const { matches, warnings, root } = compileSearch(args.query, search);
  if (warnings.length) ctx.searchWarnings.push({ path: responsePathAsArray(info.path), query: args.query ?? '', warnings });
  return indexedPage(source, root, matches, args, args.sortKey, sort);
}

/** Exact `email:` terms compare case-insensitively; exact `name:` terms ignore the leading "#". */
const customerSource = (store: ShopifyStore): IndexedSource<ShopifyCustomer> => ({
  indexes: store.customerIndexes,
  holds: { email: (c) => (c.email === null ? [] : [c.email.toLowerCase()]) },
  normalize: { email: (value) => value.toLowerCase() },
});
const orderSource = (store: ShopifyStore): IndexedSource<StoredOrder> => ({
  indexes: store.orderIndexes,
  holds: { name: (o) => [o.name.replace(/^#/, '')] },
  normalize: { name: (value) => value.replace(/^#/, '') },
});

function displayName(c: ShopifyCustomer): string {
  return [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email || c.phone || '';
}

/** The record a gid names, or null; a string that is not a gid is an error. */
function nodeById(store: ShopifyStore, gid: string) {
  const { type, id } = parseGid(gid);
  if (type === 'Customer') return store.customers.get(id) ?? null;
  if (type === 'Order') return store.orders.get(id) ?? null;
  if (type === 'ProductVariant') return store.variants.get(id) ?? null;
  return null;
}

export const queryResolvers = {
  customer: (_: unknown, { id }: { id: string }, { store }: AdminContext) => {
    const numeric = idOfType(id, 'Customer');
    return numeric === null ? null : store.customers.get(numeric) ?? null;
  },
  customers: (_: unknown, args: ConnectionArgs, ctx: AdminContext, info: GraphQLResolveInfo) =>
    indexedConnection(customerSource(ctx.store), args, customerSearch, CUSTOMER_SORT[args.sortKey], ctx, info),
  order: (_: unknown, { id }: { id: string }, { store }: AdminContext) => {
    const numeric = idOfType(id, 'Order');
    return numeric === null ? null : store.orders.get(numeric) ?? null;
  },
  orders: (_: unknown, args: ConnectionArgs, ctx: AdminContext, info: GraphQLResolveInfo) =>
    indexedConnection(orderSource(ctx.store), args, orderSearch(ctx.store), ORDER_SORT[args.sortKey], ctx, info),
  productVariants: (_: unknown, args: ConnectionArgs, ctx: AdminContext, info: GraphQLResolveInfo) =>
    searchConnection(ctx.store.variants.values(), args, variantSearch, VARIANT_SORT[args.sortKey], ctx, info),
  node: (_: unknown, { id }: { id: string }, { store }: AdminContext) => nodeById(store, id),
  nodes: (_: unknown, { ids }: { ids: string[] }, { store }: AdminContext) => {
    if (ids.length > MAX_NODE_IDS) {
      throw new GraphQLError(`The ids argument accepts at most ${MAX_NODE_IDS} ids: ${ids.length} given.`, { extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } });
    }
    return ids.map((id) => nodeById(store, id));
  },
  shop: (_: unknown, __: unknown, { store }: AdminContext) => ({ name: 'Stand-in Shop', currencyCode: store.shopCurrency }),
};

export const typeResolvers = {
  Node: {
    // Identity tells the record's type apart (ids of different types may coincide); the nodes root
    // field serves these three, and MailingAddress is the only other Node.
    __resolveType(record: { id: number }, { store }: AdminContext) {
      if (store.orders.get(record.id) === record) return 'Order';
      if (store.customers.get(record.id) === record) return 'Customer';
      if (store.variants.get(record.id) === record) return 'ProductVariant';
      return 'MailingAddress';
    },
  },
  Customer: {
    id: (c: ShopifyCustomer) => toGid('Customer', c.id),
    displayName,
    defaultEmailAddress: (c: ShopifyCustomer) => (c.email ? { emailAddress: c.email } : null),
    defaultPhoneNumber: (c: ShopifyCustomer) => (c.phone ? { phoneNumber: c.phone } : null),
    defaultAddress: (c: ShopifyCustomer) => (c.address ? { ...c.address, id: `${toGid('MailingAddress', c.id)}?model_name=CustomerAddress` } : null),
    numberOfOrders: (c: ShopifyCustomer, _: unknown, { store }: AdminContext) => String(store.ordersOf(c.id).length),
    amountSpent: (c: ShopifyCustomer, _: unknown, { store }: AdminContext) => ({
      amount: store.ordersOf(c.id).filter((o) => o.cancelledAt === null)
        .reduce((sum, o) => sum.plus(o.totalPriceSet.shopMoney.amount), new Decimal(0)).toFixed(),
      currencyCode: store.shopCurrency,
    }),
    orders: (c: ShopifyCustomer, args: ConnectionArgs, ctx: AdminContext, info: GraphQLResolveInfo) =>
      searchConnection(ctx.store.ordersOf(c.id), args, orderSearch(ctx.store), ORDER_SORT[args.sortKey], ctx, info),
  },
  Order: {
    id: (o: StoredOrder) => toGid('Order', o.id),
    customer: (o: StoredOrder, _: unknown, { store }: AdminContext) => (o.customerId === null ? null : store.customers.get(o.customerId) ?? null),
    lineItems: (o: StoredOrder, args: PageArgs) => paginate(
      o.lineItems.map((line, k) => ({ ...line, id: o.id * 1000 + k })), args, (l) => l.id, (l) => l.id,
    ),
  },
  LineItem: {
    id: (l: ShopifyLineItem & { id: number }) => toGid('LineItem', l.id),
    name: (l: ShopifyLineItem) => l.title,
  },
  ProductVariant: {
    id: (v: ShopifyVariant) => toGid('ProductVariant', v.id),
    displayName: (v: ShopifyVariant) => `${v.title} - ${v.sku}`,
  },
};
