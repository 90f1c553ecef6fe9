import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { ShopifyOrder } from '../../upstreams/dataset/types.ts';
import { GRAPHQL_PATH, startShopifyStandIn, type ShopifyStandIn } from '../../upstreams/shopify/server.ts';
import { createCommerceReconcileReader, type CommerceReconcileReader } from '../../subgraphs/commerce/reconcile-reader.ts';
import { createCommerceWriteAdapter } from '../../subgraphs/commerce/write-adapter.ts';
import type { ChangedRecord } from '../../subgraphs/shared/change-feed.ts';
import type { UpstreamConfig } from '../../subgraphs/shared/upstream-http.ts';
import { TOKEN } from './harness.ts';
import { readAll } from '../support/change-feeds.ts';

const dataset = generateDataset({ customers: 400, orders: 500, products: 5 });
const T = Date.parse('2027-01-04T09:00:00.000Z');
let clock = T;

let shopify: ShopifyStandIn;
let upstream: UpstreamConfig;
let reader: CommerceReconcileReader;
beforeAll(async () => {
  shopify = await startShopifyStandIn({ dataset, credential: TOKEN, clock: () => clock });
  upstream = { baseUrl: shopify.url, credential: TOKEN, timeoutMs: 5000 };
  reader = createCommerceReconcileReader(upstream);
});
afterAll(() => shopify?.close());

/** Admin GraphQL straight to the stand-in, to change its data. */
async function admin(query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${shopify.url}${GRAPHQL_PATH}`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': TOKEN }, body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  expect(body.errors).toBeUndefined();
  return body.data;
}
const updateCustomer = (id: number, firstName: string) =>
  admin('mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }', { input: { id: `gid://shopify/Customer/${id}`, firstName } });
const cancelOrder = (id: number) => admin(
  'mutation($id: ID!) { orderCancel(orderId: $id, reason: OTHER, refund: false, restock: true) { orderCancelUserErrors { message } } }',
  { id: `gid://shopify/Order/${id}` },
);

const customers = dataset.shopify.customers;
const orders = dataset.shopify.orders;
const inOrder = (records: ChangedRecord[]) => records.every((r, i) => i === 0 || records[i - 1].changedAt <= r.changedAt);

/** What the feed and lookups should say of a shop order, from the raw dataset record. */
const expected = (o: ShopifyOrder, changes: Partial<ShopifyOrder> = {}) => {
  const order = { ...o, ...changes };
  const presentment = order.totalPriceSet.presentmentMoney;
  return {
    externalId: `gid://shopify/Order/${order.id}`, changedAt: Date.parse(order.updatedAt), orderId: String(order.id), number: order.name,
    placedAt: Date.parse(order.createdAt), cancelled: order.cancelledAt !== null,
    total: { amount: presentment.amount, currency: presentment.currencyCode },
    shopTotal: { amount: order.totalPriceSet.shopMoney.amount, currency: 'USD' },
  };
};

describe('shop customer change feed', () => {
  it('returns the customers changed since a time, oldest change first, with their emails', async () => {
    const picked = [customers[100], customers[3], customers[250]];
    for (const [i, c] of picked.entries()) {
      clock = T + (i + 1) * 1000;
      await updateCustomer(c.id, `Name ${i}`);
    }
    expect(await reader.customers.page(T + 500, null)).toEqual({
      records: picked.map((c, i) => ({ externalId: `gid://shopify/Customer/${c.id}`, changedAt: T + (i + 1) * 1000, email: c.email })),
      next: null,
    });
    // Shopify keeps whole seconds: a time within the second of a change still finds it.
    expect((await reader.customers.page(T + 1500, null)).records).toHaveLength(3);
  });

  it('returns every customer once across pages of 250, oldest first, from time 0', async () => {
    shopify.resetCounters();
    const { records, pages } = await readAll(reader.customers, 0);
    expect(pages).toBe(Math.ceil(customers.length / 250));
    expect(shopify.rootFieldCounters()).toEqual({ customers: pages });
    expect(records.map((r) => r.externalId).sort()).toEqual(customers.map((c) => `gid://shopify/Customer/${c.id}`).sort());
    expect(inOrder(records)).toBe(true);
  });
});

describe('shop order change feed', () => {
  it('returns the orders changed since a time with their presentment and shop totals, oldest first', async () => {
    const multiCurrency = orders.find((o) => o.presentmentCurrencyCode !== 'USD' && !o.cancelledAt)!;
    const plain = orders.find((o) => o.presentmentCurrencyCode === 'USD' && !o.cancelledAt)!;
    clock = T + 10_000;
    await cancelOrder(multiCurrency.id);
    clock = T + 11_000;
    await cancelOrder(plain.id);
    const page = await reader.orders.page(T + 10_000, null);
    expect(page.records).toEqual([
      { ...expected(multiCurrency), changedAt: T + 10_000, cancelled: true },
      { ...expected(plain), changedAt: T + 11_000, cancelled: true },
    ]);
    expect(page.records[0].total.currency).not.toBe('USD');
    expect(page.records[0].shopTotal.amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('returns every order once across pages of 200 from time 0', async () => {
    shopify.resetCounters();
    const { records, pages } = await readAll(reader.orders, 0);
    expect(pages).toBe(Math.ceil(orders.length / 200));
    expect(shopify.rootFieldCounters()).toEqual({ orders: pages });
    expect(records.map((r) => r.externalId).sort()).toEqual(orders.map((o) => `gid://shopify/Order/${o.id}`).sort());
    expect(inOrder(records)).toBe(true);
  });
});

describe('shop reconcile reader: ordersByNumbers', () => {
  it('gives the order of each number, and nothing for a number no order has', async () => {
    const [a, b] = [orders[7], orders[300]];
    const found = await reader.ordersByNumbers([a.name, b.name, '#99999']);
    expect(Object.fromEntries(found)).toEqual({ [a.name]: expected(a), [b.name]: expected(b) });
  });

  it('searches 100 numbers at a time', async () => {
    shopify.resetCounters();
    const found = await reader.ordersByNumbers(orders.slice(0, 150).map((o) => o.name));
    expect(found.size).toBe(150);
    expect(shopify.rootFieldCounters()).toEqual({ orders: 2 });
  });
});

describe('shop write adapter: countByEmail', () => {
  it('counts the customers with the email in any letter case', async () => {
    const adapter = createCommerceWriteAdapter(upstream);
    const email = customers[20].email!;
    const stored = customers.filter((c) => c.email?.toLowerCase() === email.toLowerCase()).length;
    expect(await adapter.countByEmail(email.toUpperCase())).toBe(stored);
    // Shopify refuses a taken email through the API; an import can still leave two.
    shopify.store.createCustomer({ email: email.toUpperCase() });
    expect(await adapter.countByEmail(email)).toBe(stored + 1);
    expect(await adapter.countByEmail('nobody@example.org')).toBe(0);
  });

  it('counts many emails in one search, the same counts as one by one, and one by one when the search may have left some out', async () => {
    const adapter = createCommerceWriteAdapter(upstream);
    const emails = [...new Set(customers.slice(30, 90).map((c) => c.email!.toLowerCase()))];
    shopify.store.createCustomer({ email: emails[0].toUpperCase() });
    shopify.store.createCustomer({ email: emails[1] });
    const expected = new Map(await Promise.all([...emails, 'nobody@example.org'].map(async (e) => [e, await adapter.countByEmail(e)] as const)));
    expect(expected.get(emails[0])).toBeGreaterThan(1);
    const before = shopify.rootFieldCounters().customers ?? 0;
    expect(await adapter.countByEmails([...emails.map((e) => ` ${e.toUpperCase()}`), 'nobody@example.org'])).toEqual(expected);
    expect((shopify.rootFieldCounters().customers ?? 0) - before).toBe(1);
    // Four or more customers of one email among two emails overflow the page of four: each is counted alone.
    shopify.store.createCustomer({ email: emails[0] });
    shopify.store.createCustomer({ email: emails[0] });
    const full = await adapter.countByEmails([emails[0], emails[2]]);
    expect(full.get(emails[0])).toBe(expected.get(emails[0])! + 2);
    expect(full.get(emails[2])).toBe(expected.get(emails[2]));
  });
});
