/**
 * The Shopify connector: the only code that speaks the Admin GraphQL API (version 2025-10). It sends
 * the documents in shopify-documents.ts with the access token and turns Shopify's failures into
 * coded errors: THROTTLED is UPSTREAM_UNAVAILABLE (try later), any other GraphQL error UPSTREAM_ERROR.
 * Messages name the system only, never the shop's URL or token.
 */
import { codedError } from '../../schema/errors.ts';
import { unexpectedResponse, upstreamRequest, type UpstreamConfig } from '../shared/upstream-http.ts';
import {
  CUSTOMER_ORDER_TOTALS, CUSTOMER_ORDERS, FIND_CUSTOMERS, LIST_ORDERS, moreCustomerOrderTotals, ORDERS_BY_IDS, VARIANTS_BY_SKU,
} from './shopify-documents.ts';
import { anyOf } from './shopify-search.ts';
import type {
  ShopifyCustomerNode, ShopifyEdgePage, ShopifyNodesPage, ShopifyOrderNode, ShopifyOrderTotalNode, ShopifyVariantNode,
} from './shopify-types.ts';

/** The Admin API version the documents are written for; Shopify serves each version for a year. */
const SHOPIFY_API_VERSION = '2025-10';
const SYSTEM = 'Shopify';
/** Shopify's page size limit; also the most gids `nodes(ids:)` takes. */
export const SHOPIFY_MAX_PAGE = 250;

export interface ShopifyClient {
  /** Orders by gid, in the order asked; null where no order has that id. */
  ordersByIds(gids: readonly string[]): Promise<(ShopifyOrderNode | null)[]>;
  /** A page of orders newest first, optionally narrowed by a search query. */
  listOrders(args: { first: number; after: string | null; query: string | null }): Promise<ShopifyEdgePage<ShopifyOrderNode>>;
  /** The variants with these SKUs (one search) and the shop's currency. */
  variantsBySkus(skus: readonly string[]): Promise<{ shopCurrency: string; variants: ShopifyVariantNode[] }>;
  /** Customers by stored gid (null where none) and by email, in one request. */
  findCustomers(args: { gids: readonly string[]; emails: readonly string[] }): Promise<{ byGid: (ShopifyCustomerNode | null)[]; byEmail: ShopifyCustomerNode[] }>;
  /** One page of each customer's orders, newest first; null for a gid that names no customer. */
  customerOrders(gids: readonly string[], page: { first: number; after: string | null }): Promise<(ShopifyEdgePage<ShopifyOrderNode> | null)[]>;
  /** The first page of each customer's order totals; null for a gid that names no customer. */
  customerOrderTotals(gids: readonly string[]): Promise<(ShopifyNodesPage<ShopifyOrderTotalNode> | null)[]>;
  /** The next page of order totals for each customer, after its own cursor. */
  moreCustomerOrderTotals(pages: readonly { gid: string; after: string }[]): Promise<(ShopifyNodesPage<ShopifyOrderTotalNode> | null)[]>;
}

interface GraphQLAnswer<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string } }[];
}

type CustomerOrdersNode = { orders?: ShopifyEdgePage<ShopifyOrderNode> } | null;
type CustomerTotalsNode = { orders?: ShopifyNodesPage<ShopifyOrderTotalNode> } | null;

export function createShopifyClient(config: UpstreamConfig): ShopifyClient {
  const url = `${config.baseUrl}/admin/api/${SHOPIFY_API_VERSION}/graphql.json`;

  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await upstreamRequest(SYSTEM, url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': config.credential },
      body: JSON.stringify({ query, variables }),
    }, config.timeoutMs);
    if (response.status !== 200) throw unexpectedResponse(SYSTEM, response, 'a query');
    const answer = response.body as GraphQLAnswer<T>;
    const errors = answer?.errors ?? [];
    if (errors.some((e) => e.extensions?.code === 'THROTTLED')) {
      throw codedError('UPSTREAM_UNAVAILABLE', `${SYSTEM} is throttling the gateway's queries.`, { system: SYSTEM });
    }
    if (errors.length || !answer?.data) {
      throw codedError('UPSTREAM_ERROR', `${SYSTEM} refused a query (${errors[0]?.extensions?.code ?? 'no data'}).`, { system: SYSTEM });
    }
    return answer.data;
  }

  /** `nodes` gives `{}` for an id of another type; that is no record of the asked type either. */
  const present = <T extends object>(node: T | null | Record<string, never>): T | null =>
    node && Object.keys(node).length ? (node as T) : null;

  return {
    async ordersByIds(gids) {
      const data = await graphql<{ nodes: (ShopifyOrderNode | null)[] }>(ORDERS_BY_IDS, { ids: gids });
      return data.nodes.map(present);
    },
    async listOrders({ first, after, query }) {
      const data = await graphql<{ orders: ShopifyEdgePage<ShopifyOrderNode> }>(LIST_ORDERS, { first, after, query });
      return data.orders;
    },
    async variantsBySkus(skus) {
      const data = await graphql<{ shop: { currencyCode: string }; productVariants: { nodes: ShopifyVariantNode[] } }>(
        VARIANTS_BY_SKU, { first: SHOPIFY_MAX_PAGE, query: anyOf('sku', skus) },
      );
      return { shopCurrency: data.shop.currencyCode, variants: data.productVariants.nodes };
    },
    async findCustomers({ gids, emails }) {
      const data = await graphql<{ nodes?: (ShopifyCustomerNode | null)[]; customers?: { nodes: ShopifyCustomerNode[] } }>(FIND_CUSTOMERS, {
        ids: gids, withIds: gids.length > 0, emailQuery: anyOf('email', emails), withEmails: emails.length > 0, first: SHOPIFY_MAX_PAGE,
      });
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
  };
}
