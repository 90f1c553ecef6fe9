/**
 * The contract between the reconciliation pass (subgraphs/sync/reconcile) and each system's
 * connector for reading "what changed since": every system pages its records by last-change time,
 * oldest first, in its own dialect (HubSpot search on lastmodifieddate, Odoo write_date, Shopify
 * updated_at), and gives each record's change time, so the pass can advance a durable cursor.
 */
import { codedError } from '../../schema/errors.ts';
import type { CustomerField } from './write-adapter.ts';

/** A record changed at the source. */
export interface ChangedRecord {
  /** The system's own id (HubSpot contact id, Odoo id as a string, Shopify gid). */
  externalId: string;
  /** Epoch ms of the record's last change at the source. */
  changedAt: number;
}

export interface ChangePage<T extends ChangedRecord> {
  /** Oldest change first (ties by id). */
  records: T[];
  /** Where the next page starts (opaque), or null after the last page. */
  next: string | null;
}

/** Records changed at or after `since` (epoch ms), oldest change first, one page at a time. */
export interface ChangeFeed<T extends ChangedRecord> {
  page(since: number, after: string | null): Promise<ChangePage<T>>;
}

/** A record that names a customer by email and, when linked, by its own id (partner, shop customer). */
export interface ChangedCustomerRecord extends ChangedRecord {
  email: string | null;
}

/** An order total in the order's own currency, as an exact decimal string (never a float). */
export interface OrderTotal {
  amount: string;
  currency: string;
}

/** A shop order as the reconciliation compares it with its ERP sales order. */
export interface ChangedShopOrder extends ChangedRecord {
  /** The shop's numeric order id (Order ids are built from it). */
  orderId: string;
  /** The order number, e.g. "#1001": the ERP sales order's client_order_ref. */
  number: string;
  /** Epoch ms the order was placed. */
  placedAt: number;
  cancelled: boolean;
  /** totalPriceSet.presentmentMoney: what the customer was charged, in the currency charged. */
  total: OrderTotal;
  /** totalPriceSet.shopMoney: the same in the shop's currency. */
  shopTotal: OrderTotal;
}

/** An ERP sales order as the reconciliation compares it with its shop order. */
export interface ChangedSaleOrder extends ChangedRecord {
  /** e.g. "S00042". */
  name: string;
  /** The shop order number it mirrors, or null. */
  clientOrderRef: string | null;
  /** amount_total in the order's currency_id, exact at the currency's scale. */
  total: OrderTotal;
  /** date_order, epoch ms. */
  orderedAt: number;
  cancelled: boolean;
}

/** The master fields whose per-field change time the CRM reports (property history). */
export type MasterField = Extract<CustomerField, 'firstName' | 'lastName' | 'email' | 'phone' | 'address'>;

/**
 * The position a feed wrote into `next` (as JSON), read back; BAD_USER_INPUT naming the feed when
 * `next` is not one of its positions (`isPosition` checks the shape).
 */
export function readPosition<T>(next: string, isPosition: (value: Partial<T> | null) => boolean, feed: string): T {
  let value: Partial<T> | null = null;
  try {
    value = JSON.parse(next) as Partial<T> | null;
  } catch {
    // refused below
  }
  if (typeof value !== 'object' || !isPosition(value)) throw codedError('BAD_USER_INPUT', `Not a position of the ${feed} change feed.`, { feed });
  return value as T;
}
