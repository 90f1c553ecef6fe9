/**
 * Shopify records → what the reconciliation's change feeds and lookups carry (../shared/change-feed.ts).
 * Pure. Amounts are Shopify's Decimals rescaled to the currency's ISO 4217 scale ("24.0" → "24.00").
 */
import type { ChangedCustomerRecord, ChangedShopOrder } from '../shared/change-feed.ts';
import { toMoney } from '../shared/money.ts';
import { emptyToNull } from '../shared/text.ts';
import { gidNumber } from './gid.ts';
import type { ShopifyCustomerNode, ShopifyMoney, ShopifyOrderChangeNode } from './shopify-types.ts';

const money = (value: ShopifyMoney) => toMoney(value.amount, value.currencyCode);

export function toChangedCustomer(node: ShopifyCustomerNode): ChangedCustomerRecord {
  return { externalId: node.id, changedAt: Date.parse(node.updatedAt), email: emptyToNull(node.defaultEmailAddress?.emailAddress) };
}

export function toChangedShopOrder(node: ShopifyOrderChangeNode): ChangedShopOrder {
  return {
    externalId: node.id,
    changedAt: Date.parse(node.updatedAt),
    orderId: gidNumber(node.id, 'Order') ?? node.id,
    number: node.name,
    placedAt: Date.parse(node.createdAt),
    cancelled: node.cancelledAt !== null,
    total: money(node.totalPriceSet.presentmentMoney),
    shopTotal: money(node.totalPriceSet.shopMoney),
  };
}
