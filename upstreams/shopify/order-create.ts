/**
 * `orderCreate` (Admin API 2024-10+), the slice of it a shop's import or a test needs: a customer, the
 * shop's currency, a processed time and line items with a title, SKU, quantity and unit price. The
 * totals are the exact sums of the lines (no tax, shipping or discounts); the order is paid and
 * unfulfilled. As in Shopify, a value the shop refuses is a userError on a 200 response.
 */
import { Decimal } from 'decimal.js';
import { idOfType } from './gid.ts';
import type { AdminContext } from './resolvers.ts';

interface MoneyInput { amount: string; currencyCode: string }

interface OrderCreateOrderInput {
  customerId?: string | null;
  currency?: string | null;
  processedAt?: string | null;
  lineItems?: { title?: string | null; sku?: string | null; quantity: number; priceSet?: { shopMoney: MoneyInput } | null }[] | null;
}

const refuse = (field: string[], message: string) => ({ order: null, userErrors: [{ field, message, code: 'INVALID' }] });

/** Shopify's timestamps carry whole seconds. */
const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function orderCreate(_: unknown, { order: input }: { order: OrderCreateOrderInput }, { store }: AdminContext) {
  const customerId = input.customerId ? idOfType(input.customerId, 'Customer') : null;
  if (input.customerId && (customerId === null || !store.customers.has(customerId))) return refuse(['order', 'customerId'], 'Customer does not exist');
  const currency = input.currency ?? store.shopCurrency;
  if (currency !== store.shopCurrency) return refuse(['order', 'currency'], `Currency must be the shop currency, ${store.shopCurrency}`);
  const lines = input.lineItems ?? [];
  if (lines.length === 0) return refuse(['order', 'lineItems'], 'Line items must have at least one item');
  let total = new Decimal(0);
  for (const [i, line] of lines.entries()) {
    const price = line.priceSet?.shopMoney;
    if (!price || price.currencyCode !== currency || !/^\d+(\.\d+)?$/.test(price.amount) || line.quantity < 1) {
      return refuse(['order', 'lineItems', String(i)], 'Line item needs a quantity of at least 1 and a non-negative price in the order currency');
    }
    total = total.plus(new Decimal(price.amount).times(line.quantity));
  }
  const processedAt = input.processedAt ? Date.parse(input.processedAt) : Date.now();
  if (Number.isNaN(processedAt)) return refuse(['order', 'processedAt'], 'Processed at is invalid');
  const bag = (amount: string) => ({ shopMoney: { amount, currencyCode: currency }, presentmentMoney: { amount, currencyCode: currency } });
  const order = store.createOrder({
    customerId, processedAt: isoSeconds(processedAt), currencyCode: currency, presentmentCurrencyCode: currency,
    displayFinancialStatus: 'PAID', displayFulfillmentStatus: 'UNFULFILLED',
    subtotalPriceSet: bag(total.toFixed()), totalTaxSet: bag('0'), totalPriceSet: bag(total.toFixed()),
    lineItems: lines.map((line) => ({ sku: line.sku ?? null, title: line.title ?? '', quantity: line.quantity, originalUnitPriceSet: bag(line.priceSet!.shopMoney.amount) })),
  });
  return { order, userErrors: [] };
}
