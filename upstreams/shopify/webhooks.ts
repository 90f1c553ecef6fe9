/**
 * Shopify's webhooks: one POST per topic and record, whose body is the record in the REST Admin
 * shape (snake_case, numeric ids, money as decimal strings) beside its `admin_graphql_api_id`.
 * X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(webhook secret, raw body)). A retry resends the same
 * bytes with the same event and webhook ids; receivers deduplicate on X-Shopify-Event-Id.
 */
import { randomUUID } from 'node:crypto';
import type { ShopifyCustomer } from '../dataset/types.ts';
import { hmacBase64, type WebhookOptions, type WebhookSender } from '../shared/webhooks.ts';
import { toGid } from './gid.ts';
import type { ShopifyChange, StoredOrder } from './store.ts';

export interface ShopifyWebhookOptions extends WebhookOptions {
  /** Sent as X-Shopify-Shop-Domain. Default `standin-shop.myshopify.com`. */
  shopDomain?: string;
}

export const WEBHOOK_API_VERSION = '2025-10';

/** The REST-shaped customer of a `customers/*` webhook (the fields the stand-in models). */
export function customerPayload(c: ShopifyCustomer): Record<string, unknown> {
  const address = c.address && {
    id: c.id, customer_id: c.id, first_name: c.firstName, last_name: c.lastName,
    address1: c.address.address1, address2: c.address.address2, city: c.address.city,
    province_code: c.address.provinceCode, country_code: c.address.countryCodeV2, zip: c.address.zip,
    phone: c.phone, name: [c.firstName, c.lastName].filter(Boolean).join(' '), default: true,
  };
  return {
    id: c.id, email: c.email, created_at: c.createdAt, updated_at: c.updatedAt,
    first_name: c.firstName, last_name: c.lastName, phone: c.phone, tags: c.tags.join(', '),
    addresses: address ? [address] : [], default_address: address ?? null,
    admin_graphql_api_id: toGid('Customer', c.id),
  };
}

const FULFILLMENT: Record<string, string | null> = { UNFULFILLED: null, PARTIALLY_FULFILLED: 'partial', FULFILLED: 'fulfilled' };

/** The REST-shaped order of an `orders/*` webhook (the fields the stand-in models). */
export function orderPayload(o: StoredOrder): Record<string, unknown> {
  return {
    id: o.id, admin_graphql_api_id: toGid('Order', o.id), name: o.name,
    created_at: o.createdAt, processed_at: o.processedAt, updated_at: o.updatedAt,
    cancelled_at: o.cancelledAt, cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    financial_status: o.displayFinancialStatus.toLowerCase(),
    fulfillment_status: FULFILLMENT[o.displayFulfillmentStatus] ?? o.displayFulfillmentStatus.toLowerCase(),
    currency: o.currencyCode, presentment_currency: o.presentmentCurrencyCode,
    subtotal_price: o.subtotalPriceSet.shopMoney.amount, total_tax: o.totalTaxSet.shopMoney.amount, total_price: o.totalPriceSet.shopMoney.amount,
    customer: o.customerId === null ? null : { id: o.customerId, admin_graphql_api_id: toGid('Customer', o.customerId) },
    line_items: o.lineItems.map((l) => ({ sku: l.sku, title: l.title, name: l.title, quantity: l.quantity, price: l.originalUnitPriceSet.shopMoney.amount })),
  };
}

/** Turns each store write into a signed delivery; the body is taken when the write happens. */
export function shopifyNotifier(sender: WebhookSender, options: ShopifyWebhookOptions | undefined, clock: () => number): (change: ShopifyChange) => void {
  return (change) => {
    if (!options || !sender.enabled()) return;
    const body = JSON.stringify('customer' in change ? customerPayload(change.customer) : orderPayload(change.order));
    const headers = {
      'content-type': 'application/json',
      'x-shopify-topic': change.topic,
      'x-shopify-hmac-sha256': hmacBase64(options.secret, body),
      'x-shopify-shop-domain': options.shopDomain ?? 'standin-shop.myshopify.com',
      'x-shopify-api-version': WEBHOOK_API_VERSION,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-event-id': randomUUID(),
      'x-shopify-triggered-at': new Date(clock()).toISOString(),
    };
    sender.send(change.topic, () => ({ headers, body }));
  };
}
