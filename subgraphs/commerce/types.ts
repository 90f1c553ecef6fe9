/** The canonical shapes the commerce subgraph serves (see schema/commerce.graphql). */
import type { Money } from '../shared/money.ts';
import type { LinkedBy } from '../shared/sources.ts';

export type OrderStatus = 'PENDING' | 'PAID' | 'PARTIALLY_FULFILLED' | 'FULFILLED' | 'CANCELLED' | 'REFUNDED';

/** Query.orders' filter (the contract's OrderFilter). */
export interface OrderFilter {
  status?: OrderStatus | null;
  /** Canonical DateTime; exclusive. */
  placedAfter?: string | null;
  /** Canonical DateTime; exclusive. */
  placedBefore?: string | null;
}

export interface OrderLine {
  sku: string | null;
  title: string;
  quantity: number;
  unitPrice: Money;
  total: Money;
}

/** The shop customer an order belongs to, for the CRM's Order.customer. */
export interface ShopCustomerRef {
  id: string;
  email: string | null;
}

export interface Order {
  /** The public id: encodeId('Order', numeric shop id). */
  id: string;
  number: string;
  status: OrderStatus;
  placedAt: string;
  currency: string;
  subtotal: Money;
  tax: Money;
  total: Money;
  lines: OrderLine[];
  shopCustomer: ShopCustomerRef | null;
  /** Shopify's updatedAt exactly as read: the order's change marker for Order.version. */
  shopUpdatedAt: string;
}

export interface OrderPage {
  edges: { cursor: string; node: Order }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export interface Product {
  sku: string;
  title: string | null;
  price: Money | null;
}

/** A non-cancelled order's total, for the ERP's lifetimeValue. */
export interface OrderTotal {
  amount: string;
  currency: string;
  placedAt: string;
}

/** The shop customer found for a CRM customer, and how it was found. */
export interface ShopCustomerMatch {
  gid: string;
  /** Shopify's updatedAt exactly as read. */
  updatedAt: string;
  linkedBy: LinkedBy;
}
