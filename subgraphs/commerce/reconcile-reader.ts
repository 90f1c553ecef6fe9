/**
 * What a reconciliation pass reads from the shop (ReconcileReaders['commerce'] in subgraphs/sync/reconcile):
 * the customer and order change feeds, and shop orders by their numbers.
 */
import type { ChangedCustomerRecord, ChangedShopOrder, ChangeFeed } from '../shared/change-feed.ts';
import type { UpstreamConfig } from '../shared/upstream-http.ts';
import { createShopifyClient } from './client.ts';
import { createCustomerChangeFeed, createOrderChangeFeed, ORDERS_PER_PAGE } from './change-feed.ts';
import { toChangedShopOrder } from './transform-change.ts';

export interface CommerceReconcileReader {
  customers: ChangeFeed<ChangedCustomerRecord>;
  orders: ChangeFeed<ChangedShopOrder>;
  /** Per order number ("#1001"), the shop order with that name; numbers without one are absent. */
  ordersByNumbers(numbers: string[]): Promise<Map<string, ChangedShopOrder>>;
}

/** Numbers per search, so the query string stays short. */
const NUMBERS_PER_SEARCH = 100;

export function createCommerceReconcileReader(shopify: UpstreamConfig): CommerceReconcileReader {
  const client = createShopifyClient(shopify);
  return {
    customers: createCustomerChangeFeed(client),
    orders: createOrderChangeFeed(client),
    async ordersByNumbers(numbers) {
      const wanted = [...new Set(numbers)];
      const found = new Map<string, ChangedShopOrder>();
      for (let i = 0; i < wanted.length; i += NUMBERS_PER_SEARCH) {
        const names = wanted.slice(i, i + NUMBERS_PER_SEARCH);
        let after: string | null = null;
        do {
          const page = await client.ordersByNames({ first: ORDERS_PER_PAGE, after, names });
          for (const node of page.nodes) if (wanted.includes(node.name)) found.set(node.name, toChangedShopOrder(node));
          after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        } while (after);
      }
      return found;
    },
  };
}
