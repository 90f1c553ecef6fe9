/**
 * Pure transforms from Shopify records (as shopify-types.ts describes them) to the canonical shapes.
 * Amounts come from the shop money of each MoneyBag, rescaled to the currency's ISO 4217 scale:
 * Shopify prints Decimals without trailing zeros ("24.0"), the contract wants "24.00".
 */
import { toDateTime } from '../shared/datetime.ts';
import { encodeId } from '../shared/ids.ts';
import { toDecimal, toMoney, type Money } from '../shared/money.ts';
import { encodeCursor } from '../shared/pagination.ts';
import type { LinkedBy, SourceRecord } from '../shared/sources.ts';
import { gidNumber } from './gid.ts';
import type {
  ShopifyCustomerNode, ShopifyEdgePage, ShopifyLineItemNode, ShopifyMoneyBag, ShopifyOrderNode, ShopifyOrderTotalNode, ShopifyVariantNode,
} from './shopify-types.ts';
import type { Order, OrderLine, OrderPage, OrderStatus, OrderTotal, Product, ShopCustomerMatch } from './types.ts';

/** The shop money of a bag, at the currency's scale. */
export const shopMoney = (bag: ShopifyMoneyBag): Money => toMoney(bag.shopMoney.amount, bag.shopMoney.currencyCode);

/** Shopify leaves the optional bags (subtotal, tax) null when there is nothing: that is zero. */
const optionalShopMoney = (bag: ShopifyMoneyBag | null, currency: string): Money => (bag ? shopMoney(bag) : toMoney(0, currency));

/** The contract's precedence: cancelled, refunded, fulfilled, partially fulfilled, paid, else pending. */
export function orderStatus(order: Pick<ShopifyOrderNode, 'cancelledAt' | 'displayFinancialStatus' | 'displayFulfillmentStatus'>): OrderStatus {
  if (order.cancelledAt) return 'CANCELLED';
  if (order.displayFinancialStatus === 'REFUNDED') return 'REFUNDED';
  if (order.displayFulfillmentStatus === 'FULFILLED') return 'FULFILLED';
  if (order.displayFulfillmentStatus === 'PARTIALLY_FULFILLED') return 'PARTIALLY_FULFILLED';
  if (order.displayFinancialStatus === 'PAID') return 'PAID';
  return 'PENDING';
}

/** A line's total is its (rescaled) unit price times the quantity, exactly, so the two shown always agree. */
export function fromShopifyLineItem(line: ShopifyLineItemNode): OrderLine {
  const unitPrice = shopMoney(line.originalUnitPriceSet);
  return {
    sku: line.sku?.trim() || null,
    title: line.title,
    quantity: line.quantity,
    unitPrice,
    total: toMoney(toDecimal(unitPrice.amount).times(line.quantity), unitPrice.currency),
  };
}

/**
 * placedAt is Shopify's createdAt: the instant the `created_at` search filter and the CREATED_AT sort
 * use, so listing newest first and filtering by placedAfter/placedBefore agree with the field.
 */
export function fromShopifyOrder(order: ShopifyOrderNode): Order {
  return {
    id: encodeId('Order', gidNumber(order.id, 'Order') ?? order.id),
    number: order.name,
    status: orderStatus(order),
    placedAt: toDateTime(order.createdAt)!,
    currency: order.currencyCode,
    subtotal: optionalShopMoney(order.subtotalPriceSet, order.currencyCode),
    tax: optionalShopMoney(order.totalTaxSet, order.currencyCode),
    total: shopMoney(order.totalPriceSet),
    lines: order.lineItems.nodes.map(fromShopifyLineItem),
    shopCustomer: order.customer ? { id: order.customer.id, email: order.customer.defaultEmailAddress?.emailAddress ?? null } : null,
    shopUpdatedAt: order.updatedAt,
  };
}

/** Shopify's cursors are wrapped in ours; hasNextPage and the end cursor follow Shopify's page. */
export function toOrderPage(page: ShopifyEdgePage<ShopifyOrderNode>): OrderPage {
  const edges = page.edges.map((edge) => ({ cursor: encodeCursor(edge.cursor), node: fromShopifyOrder(edge.node) }));
  return {
    edges,
    pageInfo: { hasNextPage: page.pageInfo.hasNextPage, endCursor: page.pageInfo.endCursor ? encodeCursor(page.pageInfo.endCursor) : null },
  };
}

export const EMPTY_ORDER_PAGE: OrderPage = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };

/** The totals lifetime value is computed from: cancelled orders do not count. */
export function toOrderTotals(orders: readonly ShopifyOrderTotalNode[]): OrderTotal[] {
  return orders.filter((o) => !o.cancelledAt).map((o) => {
    const total = shopMoney(o.totalPriceSet);
    return { amount: total.amount, currency: total.currency, placedAt: toDateTime(o.createdAt)! };
  });
}

export function fromShopifyVariant(variant: ShopifyVariantNode & { sku: string }, shopCurrency: string): Product {
  return { sku: variant.sku, title: variant.title?.trim() || null, price: toMoney(variant.price, shopCurrency) };
}

export function toShopCustomerMatch(customer: ShopifyCustomerNode, linkedBy: LinkedBy): ShopCustomerMatch {
  return { gid: customer.id, updatedAt: customer.updatedAt, linkedBy };
}

/** What the CRM lists under Customer.sources (and hashes into Customer.version). */
export function commerceSource(match: ShopCustomerMatch): SourceRecord {
  return { system: 'COMMERCE', externalId: match.gid, version: match.updatedAt, updatedAt: toDateTime(match.updatedAt), linkedBy: match.linkedBy };
}
