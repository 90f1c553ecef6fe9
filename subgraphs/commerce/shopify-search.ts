/**
 * Builds the `query` strings of Shopify's search syntax the client sends. Part of the client's
 * dialect; split out because the status mapping needs its own tests.
 */
import type { OrderStatus } from './types.ts';

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

export interface OrderFilter {
  status?: OrderStatus | null;
  /** Canonical DateTime; exclusive. */
  placedAfter?: string | null;
  /** Canonical DateTime; exclusive. */
  placedBefore?: string | null;
}

/** The orders search for a filter (terms ANDed), or null when nothing is filtered. */
export function orderSearchQuery(filter: OrderFilter | null | undefined): string | null {
  const terms = [
    filter?.status ? STATUS_QUERIES[filter.status] : null,
    filter?.placedAfter ? `created_at:>${quoteValue(filter.placedAfter)}` : null,
    filter?.placedBefore ? `created_at:<${quoteValue(filter.placedBefore)}` : null,
  ].filter((t): t is string => t !== null);
  return terms.length ? terms.join(' ') : null;
}
