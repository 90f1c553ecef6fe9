/**
 * The stand-in's own mutable copy of the shop's data, and the only code that changes it. Every write
 * moves the record's updatedAt forward, which is the change marker the gateway reads.
 */
import type { ShopifyCustomer, ShopifyData, ShopifyOrder, ShopifyVariant } from '../dataset/types.ts';
import { createRecordIndexes, type RecordIndexes } from '../shared/record-index.ts';
import { copyData } from '../shared/copy-data.ts';

export type StoredOrder = ShopifyOrder & { cancelReason: string | null };

/** The customer fields a write sets; a key that is absent leaves that field as it is. */
export type CustomerFields = Partial<Pick<ShopifyCustomer, 'firstName' | 'lastName' | 'email' | 'phone' | 'address' | 'tags'>>;

/** A write the store made, as its webhook topics name it. */
export type ShopifyChange =
  | { topic: 'customers/create' | 'customers/update'; customer: ShopifyCustomer }
  | { topic: 'orders/create' | 'orders/updated' | 'orders/cancelled'; order: StoredOrder };

export interface ShopifyStore {
  shopCurrency: string;
  customers: Map<number, ShopifyCustomer>;
  orders: Map<number, StoredOrder>;
  variants: Map<number, ShopifyVariant>;
  /** Sorted views and lookups over the customers and the orders, kept up to date by the writes below. */
  customerIndexes: RecordIndexes<ShopifyCustomer>;
  orderIndexes: RecordIndexes<StoredOrder>;
  /** The customer's orders in id order. */
  ordersOf(customerId: number): StoredOrder[];
  createCustomer(fields: CustomerFields): ShopifyCustomer;
  updateCustomer(customer: ShopifyCustomer, fields: CustomerFields): ShopifyCustomer;
  cancelOrder(order: StoredOrder, reason: string, financialStatus: string): StoredOrder;
  /** A new order, named after the highest number so far ("#1042" → "#1043"); created and updated now. */
  createOrder(fields: Omit<ShopifyOrder, 'id' | 'name' | 'createdAt' | 'updatedAt' | 'cancelledAt'>): StoredOrder;
}

/** Shopify's timestamps carry whole seconds: 2026-11-20T09:15:00Z. */
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** `onChange` hears every write, after it is made (the webhooks); a cancel is both an update and a cancel. */
export function createShopifyStore(data: ShopifyData, clock: () => number = Date.now, onChange: (change: ShopifyChange) => void = () => {}): ShopifyStore {
  const copy = copyData(data);
  const customers = new Map(copy.customers.map((c) => [c.id, c]));
  const orders = new Map<number, StoredOrder>(copy.orders.map((o) => [o.id, { ...o, cancelReason: null }]));
  const variants = new Map(copy.variants.map((v) => [v.id, v]));
  const byCustomer = new Map<number, StoredOrder[]>();
  for (const order of orders.values()) {
    if (order.customerId === null) continue;
    const list = byCustomer.get(order.customerId);
    if (list) list.push(order);
    else byCustomer.set(order.customerId, [order]);
  }
  const customerIndexes = createRecordIndexes(() => customers.values());
  const orderIndexes = createRecordIndexes<StoredOrder>(() => orders.values());
  let lastCustomerId = [...customers.keys()].reduce((max, id) => Math.max(max, id), 0);

  // Whole seconds would let two writes within one second leave the marker unchanged, and a
  // version check would miss the second; the stand-in moves it on by a second instead.
  const nextMarker = (previous: string | null): string =>
    isoSeconds(Math.max(clock(), previous ? Date.parse(previous) + 1000 : 0));

  return {
    shopCurrency: copy.shopCurrency,
    customers,
    orders,
    variants,
    customerIndexes,
    orderIndexes,
    ordersOf: (customerId) => byCustomer.get(customerId) ?? [],
    createCustomer(fields) {
      const now = nextMarker(null);
      const customer: ShopifyCustomer = {
        id: ++lastCustomerId,
        firstName: null, lastName: null, email: null, phone: null, address: null, tags: [],
        ...fields, createdAt: now, updatedAt: now,
      };
      customers.set(customer.id, customer);
      customerIndexes.changed(customer);
      onChange({ topic: 'customers/create', customer });
      return customer;
    },
    updateCustomer(customer, fields) {
      Object.assign(customer, fields, { updatedAt: nextMarker(customer.updatedAt) });
      customerIndexes.changed(customer);
      onChange({ topic: 'customers/update', customer });
      return customer;
    },
    createOrder(fields) {
      const now = nextMarker(null);
      const number = Math.max(1000, ...[...orders.values()].map((o) => Number(o.name.replace(/^#/, '')) || 0)) + 1;
      const order: StoredOrder = { ...fields, id: Math.max(0, ...orders.keys()) + 1, name: `#${number}`, createdAt: now, updatedAt: now, cancelledAt: null, cancelReason: null };
      orders.set(order.id, order);
      if (order.customerId !== null) byCustomer.set(order.customerId, [...(byCustomer.get(order.customerId) ?? []), order]);
      onChange({ topic: 'orders/create', order });
      return order;
    },
    cancelOrder(order, reason, financialStatus) {
      const now = nextMarker(order.updatedAt);
      Object.assign(order, { cancelledAt: now, cancelReason: reason, displayFinancialStatus: financialStatus, updatedAt: now });
      orderIndexes.changed(order);
      onChange({ topic: 'orders/updated', order });
      onChange({ topic: 'orders/cancelled', order });
      return order;
    },
  };
}
