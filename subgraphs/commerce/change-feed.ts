/**
 * The shop's change feeds (the contract is ../shared/change-feed.ts): customers and orders changed at
 * or after a time, oldest first, through the client's changed-since searches (sorted by UPDATED_AT), paged with
 * Shopify's cursors (which carry the position, so a record changed meanwhile shifts no other). `next`
 * is Shopify's own end cursor.
 *
 * Shopify's timestamps carry whole seconds, so `since` is floored to its second: records changed up to
 * 999 ms before `since` come too. Page sizes keep each query within Shopify's limit of 1000 cost points.
 */
import type { ChangedCustomerRecord, ChangedShopOrder, ChangeFeed } from '../shared/change-feed.ts';
import type { ChangedSincePage, ShopifyClient } from './client.ts';
import type { ShopifyNodesPage } from './shopify-types.ts';
import { toChangedCustomer, toChangedShopOrder } from './transform-change.ts';

/** 2 cost points a customer (the customer, its email object): 250, Shopify's page limit, costs 502. */
const CUSTOMERS_PER_PAGE = 250;
/** 4 cost points an order (the order, totalPriceSet, its two MoneyV2): 200 costs 802, 250 would pass 1000. */
export const ORDERS_PER_PAGE = 200;

function shopifyFeed<N, T extends ChangedCustomerRecord | ChangedShopOrder>(
  load: (args: ChangedSincePage) => Promise<ShopifyNodesPage<N>>, first: number, convert: (node: N) => T,
): ChangeFeed<T> {
  return {
    async page(since, after) {
      const page = await load({ first, after, since });
      return { records: page.nodes.map(convert), next: page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null };
    },
  };
}

export const createCustomerChangeFeed = (client: ShopifyClient): ChangeFeed<ChangedCustomerRecord> =>
  shopifyFeed(client.customersChangedSince, CUSTOMERS_PER_PAGE, toChangedCustomer);

export const createOrderChangeFeed = (client: ShopifyClient): ChangeFeed<ChangedShopOrder> =>
  shopifyFeed(client.ordersChangedSince, ORDERS_PER_PAGE, toChangedShopOrder);
