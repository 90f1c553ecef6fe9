/**
 * The Shopify connector: the only code that speaks the Admin GraphQL API (version 2025-10). It sends
 * the documents in shopify-documents.ts with the access token and turns Shopify's failures into
 * coded errors. Queries are paced by the shop's cost bucket (cost-bucket.ts); a query that cannot get its
 * points in time is UPSTREAM_UNAVAILABLE with `throttled: true` (try later); any other GraphQL error UPSTREAM_ERROR,
 * and a mutation's userErrors a permanent refusal that carries Shopify's reason (see customerRefusal).
 * Messages name the system only, never the shop's URL or token.
 */
import { codedError } from '../../schema/errors.ts';
import { unexpectedResponse, upstreamRequest, type UpstreamConfig } from '../shared/upstream-http.ts';
import {
  CUSTOMER_CREATE, CUSTOMER_FOR_WRITE, CUSTOMERS_FOR_WRITE, CUSTOMER_ORDER_TOTALS, CUSTOMER_ORDERS, CUSTOMER_UPDATE, CUSTOMERS_BY_UPDATE, FIND_CUSTOMERS, FIND_CUSTOMERS_WITH_ORDERS, LIST_ORDERS,
  moreCustomerOrderTotals, ORDER_CANCEL, ORDERS_BY_IDS, ORDERS_BY_UPDATE, VARIANTS_BY_SKU,
} from './shopify-documents.ts';
import { anyOf, changedSinceQuery, orderSearchQuery } from './shopify-search.ts';
import type {
  ShopifyCustomerInput, ShopifyCustomerNode, ShopifyCustomerWriteNode, ShopifyEdgePage, ShopifyNodesPage, ShopifyOrderCancelReason,
  ShopifyOrderChangeNode, ShopifyOrderNode, ShopifyOrderTotalNode, ShopifyUserError, ShopifyVariantNode,
} from './shopify-types.ts';
import type { OrderFilter } from './types.ts';
import { chunks } from '../shared/chunks.ts';
import { createShopifyCostBucket, type ShopifyCostBucket, type ShopifyCostReport } from './cost-bucket.ts';

/** The Admin API version the documents are written for; Shopify serves each version for a year. */
const SHOPIFY_API_VERSION = '2025-10';
const SYSTEM = 'Shopify';
/** Shopify's page size limit; also the most gids `nodes(ids:)` takes. */
export const SHOPIFY_MAX_PAGE = 250;

export interface ShopifyClient {
  /** Orders by gid, in the order asked; null where no order has that id. */
  ordersByIds(gids: readonly string[]): Promise<(ShopifyOrderNode | null)[]>;
  /** A page of orders newest first, narrowed by the filter (a search the client builds). */
  listOrders(args: { first: number; after: string | null; filter: OrderFilter | null }): Promise<ShopifyEdgePage<ShopifyOrderNode>>;
  /** The variants with these SKUs (one search) and the shop's currency. */
  variantsBySkus(skus: readonly string[]): Promise<{ shopCurrency: string; variants: ShopifyVariantNode[] }>;
  /**
   * Customers by stored gid (null where none) and by email, in one request. `first` caps the email
   * search's page (default 250): Shopify charges a query's points by it, not by what it finds. With
   * `orders`, each customer comes with that page of its orders; with `totals`, with the first page of its order totals.
   */
  findCustomers(args: FindCustomersArgs): Promise<{ byGid: (ShopifyCustomerNode | null)[]; byEmail: ShopifyCustomerNode[] }>;
  /** One page of each customer's orders, newest first; null for a gid that names no customer. */
  customerOrders(gids: readonly string[], page: { first: number; after: string | null }): Promise<(ShopifyEdgePage<ShopifyOrderNode> | null)[]>;
  /** The first page of each customer's order totals; null for a gid that names no customer. */
  customerOrderTotals(gids: readonly string[]): Promise<(ShopifyNodesPage<ShopifyOrderTotalNode> | null)[]>;
  /** The next page of order totals for each customer, after its own cursor. */
  moreCustomerOrderTotals(pages: readonly { gid: string; after: string }[]): Promise<(ShopifyNodesPage<ShopifyOrderTotalNode> | null)[]>;
  /** A customer with the fields a write compares; null when the gid names none. */
  customerForWrite(gid: string): Promise<ShopifyCustomerWriteNode | null>;
  /** customerForWrite for many gids, with `nodes(ids:)` (in the order asked; null where none). */
  customersForWrite(gids: readonly string[]): Promise<(ShopifyCustomerWriteNode | null)[]>;
  /** customerUpdate of the fields the input names. */
  updateCustomer(input: ShopifyCustomerInput & { id: string }): Promise<void>;
  /** customerCreate; the new customer's gid. */
  /** customerCreate: the new customer's gid, or `emailTaken` when Shopify's only objection is that a customer has the email. */
  createCustomer(input: ShopifyCustomerInput): Promise<{ id: string } | { emailTaken: true }>;
  /** orderCancel (no refund, restock, customer not notified; see ORDER_CANCEL). */
  cancelOrder(args: { orderId: string; reason: ShopifyOrderCancelReason; staffNote: string | null }): Promise<void>;
  /** A page of the customers changed at or after `since`, oldest change first. */
  customersChangedSince(args: ChangedSincePage): Promise<ShopifyNodesPage<ShopifyCustomerNode>>;
  /** A page of the orders changed at or after `since`, oldest change first, with their shop and presentment totals. */
  ordersChangedSince(args: ChangedSincePage): Promise<ShopifyNodesPage<ShopifyOrderChangeNode>>;
  /** A page of the orders named by one of these numbers ("#1001"), oldest change first, as ordersChangedSince gives them. */
  ordersByNames(args: PageArgs & { names: readonly string[] }): Promise<ShopifyNodesPage<ShopifyOrderChangeNode>>;
}

export interface FindCustomersArgs {
  gids: readonly string[];
  emails: readonly string[];
  first?: number;
  orders?: PageArgs;
  totals?: boolean;
}

export interface PageArgs {
  first: number;
  /** Shopify's cursor, or null for the first page. */
  after: string | null;
}

/** A page of records changed at or after `since` (epoch ms; Shopify keeps whole seconds, so it is floored to its second). */
export type ChangedSincePage = PageArgs & { since: number };

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: { cost?: ShopifyCostReport };
}

/**
 * A query waits for the cost bucket (cost-bucket.ts) at most this long from its first send (below the
 * gateway's subgraph timeout); after that it fails as UPSTREAM_UNAVAILABLE with `throttled: true`.
 */
const THROTTLE_BUDGET_MS = 4000;

/** Options beyond the upstream's settings. */
export interface ShopifyClientOptions {
  /** The shop's cost bucket, shared by every client of one access token in this process; default: one of its own. */
  costBucket?: ShopifyCostBucket;
}

type CustomerOrdersNode = { orders?: ShopifyEdgePage<ShopifyOrderNode> } | null;
type CustomerTotalsNode = { orders?: ShopifyNodesPage<ShopifyOrderTotalNode> } | null;
type CustomerPayload = { customer: { id: string } | null; userErrors: ShopifyUserError[] } | null;

const refusalMessage = (what: string, errors: ShopifyUserError[]) => `Shopify refused the ${what}: ${errors.map((e) => e.message).join('; ')}`;
const refusedFields = (errors: ShopifyUserError[]) => errors.map((e) => e.field?.join('.')).filter((f): f is string => !!f);

/**
 * A customer mutation's userErrors as one permanent coded error with Shopify's reasons. Its
 * UserError has no code, so the kind is read from the field and wording: a refused `id` means no
 * such customer (NOT_FOUND); a value "has already been taken" by another customer is a CONFLICT;
 * anything else is BAD_USER_INPUT.
 */
function customerRefusal(errors: ShopifyUserError[]): Error {
  const fields = refusedFields(errors);
  const code = fields.includes('id') ? 'NOT_FOUND' : errors.some((e) => /already been taken/i.test(e.message)) ? 'CONFLICT' : 'BAD_USER_INPUT';
  return codedError(code, refusalMessage('change', errors), { system: SYSTEM, fields });
}

/** Shopify's userError for a customer email another customer has: field ["email"], "Email has already been taken". */
const isEmailTaken = (e: ShopifyUserError) => e.field?.join('.') === 'email' && /already been taken/i.test(e.message);

/**
 * orderCancelUserErrors as one permanent coded error: NOT_FOUND for no such order, CONFLICT when the
 * order's state forbids it (INVALID, e.g. already cancelled), else UPSTREAM_ERROR (the shop's side).
 */
function cancelRefusal(errors: ShopifyUserError[]): Error {
  const code = errors.some((e) => e.code === 'NOT_FOUND') ? 'NOT_FOUND' : errors.some((e) => e.code === 'INVALID') ? 'CONFLICT' : 'UPSTREAM_ERROR';
  return codedError(code, refusalMessage('cancellation', errors), { system: SYSTEM, fields: refusedFields(errors) });
}

export function createShopifyClient(config: UpstreamConfig, options: ShopifyClientOptions = {}): ShopifyClient {
  const url = `${config.baseUrl}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;
  const bucket = options.costBucket ?? createShopifyCostBucket();
  const throttled = () => codedError('UPSTREAM_UNAVAILABLE', `${SYSTEM} is throttling the gateway's queries.`, {
    system: SYSTEM, throttled: true, retryAfterMs: Math.max(0, bucket.readyAt(0) - Date.now()),
  });

  async function graphql<T>(query: string, variables: Record<string, unknown>, deadline = Date.now() + THROTTLE_BUDGET_MS): Promise<T> {
    // Shopify's advice: send only what the bucket holds. Waiting here is not an attempt; a throttle is.
    if (!await bucket.acquire(query, deadline)) throw throttled();
    const response = await upstreamRequest(SYSTEM, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': config.credential },
      body: JSON.stringify({ query, variables }),
    }, config.timeoutMs);
    if (response.status !== 200) throw unexpectedResponse(SYSTEM, response, 'a query');
    const answer = response.body as GraphQLAnswer<T>;
    bucket.observe(query, answer?.extensions?.cost);
    const errors = answer?.errors ?? [];
    // Throttled after all (another client spent the bucket): the bucket now knows; wait in line again.
    if (errors.some((e) => e.extensions?.code === 'THROTTLED')) return graphql<T>(query, variables, deadline);
    // A cursor is the client's (wrapped in ours): one Shopify cannot read is the client's mistake, not the shop's.
    if (errors.some((e) => e.extensions?.code === 'BAD_REQUEST' && /cursor/i.test(e.message))) {
      throw codedError('BAD_USER_INPUT', 'Argument "after" is not a cursor returned by this API.', { argument: 'after' });
    }
    if (errors.length || !answer?.data) {
      throw codedError('UPSTREAM_ERROR', `${SYSTEM} refused a query (${errors[0]?.extensions?.code ?? 'no data'}).`, { system: SYSTEM });
    }
    return answer.data;
  }

  const ordersByUpdate = async (variables: PageArgs & { query: string }) =>
    (await graphql<{ orders: ShopifyNodesPage<ShopifyOrderChangeNode> }>(ORDERS_BY_UPDATE, { ...variables })).orders;

  /** `nodes` gives `{}` for an id of another type; that is no record of the asked type either. */
  const present = <T extends object>(node: T | null | Record<string, never>): T | null =>
    node && Object.keys(node).length ? (node as T) : null;

  return {
    async ordersByIds(gids) {
      const data = await graphql<{ nodes: (ShopifyOrderNode | null)[] }>(ORDERS_BY_IDS, { ids: gids });
      return data.nodes.map(present);
    },
    async listOrders({ first, after, filter }) {
      const data = await graphql<{ orders: ShopifyEdgePage<ShopifyOrderNode> }>(LIST_ORDERS, { first, after, query: orderSearchQuery(filter) });
      return data.orders;
    },
    async variantsBySkus(skus) {
      const data = await graphql<{ shop: { currencyCode: string }; productVariants: { nodes: ShopifyVariantNode[] } }>(
        VARIANTS_BY_SKU, { first: SHOPIFY_MAX_PAGE, query: anyOf('sku', skus) },
      );
      return { shopCurrency: data.shop.currencyCode, variants: data.productVariants.nodes };
    },
    async findCustomers({ gids, emails, first = SHOPIFY_MAX_PAGE, orders, totals = false }) {
      const lookup = { ids: gids, withIds: gids.length > 0, emailQuery: anyOf('email', emails), withEmails: emails.length > 0, first };
      const withOrders = orders !== undefined || totals;
      const data = await graphql<{ nodes?: (ShopifyCustomerNode | null)[]; customers?: { nodes: ShopifyCustomerNode[] } }>(
        withOrders ? FIND_CUSTOMERS_WITH_ORDERS : FIND_CUSTOMERS,
        withOrders ? { ...lookup, withOrders: orders !== undefined, ordersFirst: orders?.first ?? 1, ordersAfter: orders?.after ?? null, withTotals: totals } : lookup,
      );
      return { byGid: (data.nodes ?? []).map(present), byEmail: data.customers?.nodes ?? [] };
    },
    async customerOrders(gids, { first, after }) {
      const data = await graphql<{ nodes: CustomerOrdersNode[] }>(CUSTOMER_ORDERS, { ids: gids, first, after });
      return data.nodes.map((node) => node?.orders ?? null);
    },
    async customerOrderTotals(gids) {
      const data = await graphql<{ nodes: CustomerTotalsNode[] }>(CUSTOMER_ORDER_TOTALS, { ids: gids });
      return data.nodes.map((node) => node?.orders ?? null);
    },
    async moreCustomerOrderTotals(pages) {
      const variables = Object.fromEntries(pages.flatMap((p, i) => [[`id${i}`, p.gid], [`after${i}`, p.after]]));
      const data = await graphql<Record<string, CustomerTotalsNode>>(moreCustomerOrderTotals(pages.length), variables);
      return pages.map((_, i) => data[`c${i}`]?.orders ?? null);
    },
    async customerForWrite(gid) {
      return (await graphql<{ customer: ShopifyCustomerWriteNode | null }>(CUSTOMER_FOR_WRITE, { id: gid })).customer;
    },
    async customersForWrite(gids) {
      const pages = await Promise.all(chunks([...gids], SHOPIFY_MAX_PAGE).map((ids) =>
        graphql<{ nodes: (ShopifyCustomerWriteNode | null)[] }>(CUSTOMERS_FOR_WRITE, { ids })));
      return pages.flatMap((page) => page.nodes);
    },
    async updateCustomer(input) {
      const { customerUpdate: payload } = await graphql<{ customerUpdate: CustomerPayload }>(CUSTOMER_UPDATE, { input });
      if (payload?.userErrors.length) throw customerRefusal(payload.userErrors);
      if (!payload?.customer) throw codedError('UPSTREAM_ERROR', `${SYSTEM} answered a customer update without the customer.`, { system: SYSTEM });
    },
    async createCustomer(input) {
      const { customerCreate: payload } = await graphql<{ customerCreate: CustomerPayload }>(CUSTOMER_CREATE, { input });
      if (payload?.userErrors.length && payload.userErrors.every(isEmailTaken)) return { emailTaken: true };
      if (payload?.userErrors.length) throw customerRefusal(payload.userErrors);
      if (!payload?.customer) throw codedError('UPSTREAM_ERROR', `${SYSTEM} answered a customer creation without the customer.`, { system: SYSTEM });
      return { id: payload.customer.id };
    },
    async customersChangedSince({ first, after, since }) {
      return (await graphql<{ customers: ShopifyNodesPage<ShopifyCustomerNode> }>(CUSTOMERS_BY_UPDATE, { first, after, query: changedSinceQuery(since) })).customers;
    },
    ordersChangedSince: ({ first, after, since }) => ordersByUpdate({ first, after, query: changedSinceQuery(since) }),
    ordersByNames: ({ first, after, names }) => ordersByUpdate({ first, after, query: anyOf('name', names) }),
    async cancelOrder(args) {
      type Payload = { job: { id: string } | null; orderCancelUserErrors: ShopifyUserError[] } | null;
      const { orderCancel: payload } = await graphql<{ orderCancel: Payload }>(ORDER_CANCEL, args);
      if (payload?.orderCancelUserErrors.length) throw cancelRefusal(payload.orderCancelUserErrors);
      if (!payload?.job) throw codedError('UPSTREAM_ERROR', `${SYSTEM} answered an order cancellation without a job.`, { system: SYSTEM });
    },
  };
}
