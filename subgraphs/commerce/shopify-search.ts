/**
 * Builds the `query` strings of Shopify's search syntax the client sends. Part of the client's
 * dialect (only client.ts imports it); split out because the quoting and the status mapping need
 * their own tests.
 *
 * Every value that comes from elsewhere (an email, a SKU, an order name, a date) goes in as one quoted
 * string: Shopify's grammar reads a quoted string as a single value (a phrase), so whitespace, `OR`,
 * `AND`, `NOT`, a leading `-`, `field:`, parentheses and comparators inside it are plain text. Inside the
 * quotes only `"` and `\` are special, and both are escaped with a backslash. Shopify documents
 * no escape for `*` (a prefix query on a bare value); whatever a shop makes of one inside quotes, the
 * callers keep only records whose value equals the one asked for, so a `*` never widens an answer.
 */
import type { OrderFilter, OrderStatus } from './types.ts';

/** A quoted search value: quotes and backslashes escaped, so an email or SKU is one literal. */
export const quoteValue = (value: string): string => `"${value.replace(/["\\]/g, '\\$&')}"`;

/** `field:"a" OR field:"b"`: one search for a whole batch. */
export const anyOf = (field: string, values: readonly string[]): string =>
  values.map((v) => `${field}:${quoteValue(v)}`).join(' OR ');

/**
 * The canonical status has a precedence (cancelled, refunded, fulfilled, partially fulfilled, paid,
 * else pending), so each status excludes the ones ranked above it. The search then selects exactly
 * the orders the transform would give that status, and pages stay exact.
 */
const STATUS_QUERIES: Record<OrderStatus, string> = {
  CANCELLED: 'status:cancelled',
  REFUNDED: '-status:cancelled financial_status:refunded',
  FULFILLED: '-status:cancelled -financial_status:refunded fulfillment_status:fulfilled',
  PARTIALLY_FULFILLED: '-status:cancelled -financial_status:refunded fulfillment_status:partial',
  PAID: '-status:cancelled -financial_status:refunded -fulfillment_status:fulfilled -fulfillment_status:partial financial_status:paid',
  PENDING: '-status:cancelled -financial_status:refunded -fulfillment_status:fulfilled -fulfillment_status:partial -financial_status:paid',
};

/** The orders search for a filter (terms ANDed), or null when nothing is filtered. */
export function orderSearchQuery(filter: OrderFilter | null | undefined): string | null {
  const terms = [
    filter?.status ? STATUS_QUERIES[filter.status] : null,
    filter?.placedAfter ? `created_at:>${quoteValue(filter.placedAfter)}` : null,
    filter?.placedBefore ? `created_at:<${quoteValue(filter.placedBefore)}` : null,
  ].filter((t): t is string => t !== null);
  return terms.length ? terms.join(' ') : null;
}

/** `updated_at:>="2026-11-20T09:15:00Z"`: at or after `since` (epoch ms), floored to its second (Shopify keeps whole seconds). */
export const changedSinceQuery = (since: number): string =>
  `updated_at:>=${quoteValue(new Date(Math.floor(since / 1000) * 1000).toISOString().replace('.000Z', 'Z'))}`;
