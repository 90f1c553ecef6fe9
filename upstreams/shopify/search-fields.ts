/** The search fields each connection understands, and how a field compares with a query value. */
import type { ShopifyCustomer, ShopifyVariant } from '../dataset/types.ts';
import type { Comparator, FieldMatcher, SearchFields } from './search.ts';
import type { ShopifyStore, StoredOrder } from './store.ts';

function compare(a: number | string, b: number | string, comparator: Comparator): boolean {
  switch (comparator) {
    case ':': return a === b;
    case ':>': return a > b;
    case ':>=': return a >= b;
    case ':<': return a < b;
    case ':<=': return a <= b;
  }
}

/** Case-insensitive; a bare `value*` is a prefix match (`field:*`: any value). A list matches when any element does. */
export function textField<T>(get: (record: T) => string | null | (string | null)[]): FieldMatcher<T> {
  return (record, comparator, value, prefix) => {
    const wanted = value.toLowerCase();
    const values = [get(record)].flat().filter((v): v is string => v !== null).map((v) => v.toLowerCase());
    if (comparator === ':' && prefix) return values.some((v) => v.startsWith(wanted));
    return values.some((v) => compare(v, wanted, comparator));
  };
}

export function numberField<T>(get: (record: T) => number | null): FieldMatcher<T> {
  return (record, comparator, value) => {
    const actual = get(record);
    return actual !== null && value.trim() !== '' && compare(actual, Number(value), comparator);
  };
}

/** Instants; a date-only value means midnight UTC, and `field:2026-11-20` matches that whole day. */
export function timeField<T>(get: (record: T) => string | null): FieldMatcher<T> {
  // A search compares every record with one value: parse it once.
  let parsedFor: string | null = null;
  let dateOnly = false;
  let wanted = NaN;
  return (record, comparator, value) => {
    const raw = get(record);
    if (value !== parsedFor) {
      parsedFor = value;
      dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
      wanted = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
    }
    if (raw === null || Number.isNaN(wanted)) return false;
    const actual = Date.parse(raw);
    if (comparator === ':' && dateOnly) return actual >= wanted && actual < wanted + 86_400_000;
    return compare(actual, wanted, comparator);
  };
}

/** Matches through a table from the query's word to the stored values it stands for. */
function choiceField<T>(get: (record: T) => string | null, choices: Record<string, string[]>): FieldMatcher<T> {
  return (record, comparator, value) => {
    const actual = get(record);
    const wanted = choices[value.toLowerCase()] ?? [value.toUpperCase()];
    return comparator === ':' && actual !== null && wanted.includes(actual);
  };
}

export const customerSearch: SearchFields<ShopifyCustomer> = {
  fields: {
    id: numberField((c) => c.id),
    email: textField((c) => c.email),
    phone: textField((c) => c.phone),
    first_name: textField((c) => c.firstName),
    last_name: textField((c) => c.lastName),
    tag: textField((c) => c.tags),
    created_at: timeField((c) => c.createdAt),
    updated_at: timeField((c) => c.updatedAt),
  },
  text: (c) => [c.firstName, c.lastName, c.email],
};

/** `fulfillment_status` words as Shopify documents them: `unfulfilled` includes partially fulfilled orders. */
const FULFILLMENT_WORDS: Record<string, string[]> = {
  shipped: ['FULFILLED'],
  fulfilled: ['FULFILLED'],
  partial: ['PARTIALLY_FULFILLED'],
  unshipped: ['UNFULFILLED'],
  unfulfilled: ['UNFULFILLED', 'PARTIALLY_FULFILLED'],
};

const STATUS_WORDS: Record<string, (o: StoredOrder) => boolean> = {
  open: (o) => o.cancelledAt === null,
  cancelled: (o) => o.cancelledAt !== null,
  closed: () => false,
  any: () => true,
};

export function orderSearch(store: ShopifyStore): SearchFields<StoredOrder> {
  const emailOf = (o: StoredOrder) => (o.customerId === null ? null : store.customers.get(o.customerId)?.email ?? null);
  return {
    fields: {
      id: numberField((o) => o.id),
      customer_id: numberField((o) => o.customerId),
      name: (o, comparator, value) => comparator === ':' && o.name.replace(/^#/, '') === value.replace(/^#/, ''),
      email: textField(emailOf),
      sku: textField((o) => o.lineItems.map((l) => l.sku)),
      status: (o, comparator, value) => comparator === ':' && (STATUS_WORDS[value.toLowerCase()]?.(o) ?? false),
      financial_status: choiceField((o) => o.displayFinancialStatus, {}),
      fulfillment_status: choiceField((o) => o.displayFulfillmentStatus, FULFILLMENT_WORDS),
      created_at: timeField((o) => o.createdAt),
      processed_at: timeField((o) => o.processedAt),
      updated_at: timeField((o) => o.updatedAt),
    },
    text: (o) => [o.name, emailOf(o)],
  };
}

export const variantSearch: SearchFields<ShopifyVariant> = {
  fields: {
    id: numberField((v) => v.id),
    sku: textField((v) => v.sku),
    title: textField((v) => v.title),
    updated_at: timeField((v) => v.updatedAt),
  },
  text: (v) => [v.title, v.sku],
};
