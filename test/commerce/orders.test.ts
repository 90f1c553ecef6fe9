import { describe, expect, it } from 'vitest';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { encodeVersion, UNAVAILABLE_MARKER, unavailableSystems } from '../../subgraphs/shared/version.ts';
import { orderStatus } from '../../subgraphs/commerce/transforms.ts';
import type { ShopifyOrder } from '../../upstreams/dataset/types.ts';
import { GRAPHQL_PATH } from '../../upstreams/shopify/server.ts';
import { useCommerce } from './harness.ts';

// 600 orders is the smallest dataset of this shape where every status occurs (PAID orders are rare: recent and unfulfilled).
const t = useCommerce({ dataset: { customers: 40, orders: 600, products: 20 } });

const ORDER = `id number status placedAt currency version
  subtotal { amount currency } tax { amount currency } total { amount currency }
  lines { sku title quantity unitPrice { amount currency } total { amount currency } product { sku title price { amount currency } } }`;
const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Order { id number version } ... on Product { sku title price { amount currency } } } }`;

const newestFirst = (orders: ShopifyOrder[]) => [...orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id);

/** Every page of Query.orders for a filter, as order numbers. */
async function allNumbers(filter: Record<string, unknown> | null): Promise<string[]> {
  const numbers: string[] = [];
  for (let after: string | null = null, more = true; more;) {
    const { body }: { body: any } = await t.gql(`query($after: String, $filter: OrderFilter) { orders(first: 100, after: $after, filter: $filter) {
      edges { node { number } } pageInfo { hasNextPage endCursor } } }`, { after, filter });
    expect(body.errors).toBeUndefined();
    numbers.push(...body.data.orders.edges.map((e: any) => e.node.number));
    ({ hasNextPage: more, endCursor: after } = body.data.orders.pageInfo);
  }
  return numbers;
}

describe('Query.order', () => {
  it('serves an order with canonical money, status, lines and their products', async () => {
    const order = t.dataset.shopify.orders.find((o) => o.lineItems.length > 1 && o.presentmentCurrencyCode !== 'USD')!;
    const id = encodeId('Order', order.id);
    const { body } = await t.gql(`query($id: ID!) { order(id: $id) { ${ORDER} } }`, { id });
    const variant = (sku: string) => t.dataset.shopify.variants.find((v) => v.sku === sku)!;
    expect(body).toEqual({
      data: {
        order: {
          id,
          number: order.name,
          status: orderStatus(order),
          placedAt: new Date(order.createdAt).toISOString(),
          currency: 'USD',
          version: encodeVersion({ COMMERCE: order.updatedAt, ERP: null }),
          subtotal: { amount: order.subtotalPriceSet.shopMoney.amount, currency: 'USD' },
          tax: { amount: order.totalTaxSet.shopMoney.amount, currency: 'USD' },
          total: { amount: order.totalPriceSet.shopMoney.amount, currency: 'USD' },
          lines: order.lineItems.map((l) => ({
            sku: l.sku, title: l.title, quantity: l.quantity,
            unitPrice: { amount: l.originalUnitPriceSet.shopMoney.amount, currency: 'USD' },
            total: { amount: (Number(l.originalUnitPriceSet.shopMoney.amount.replace('.', '')) * l.quantity / 100).toFixed(2), currency: 'USD' },
            product: { sku: l.sku, title: variant(l.sku!).title, price: { amount: variant(l.sku!).price, currency: 'USD' } },
          })),
        },
      },
    });
  });

  it('gives null for a malformed id, an unknown order and an id of another type', async () => {
    const { body } = await t.gql(`{ a: order(id: "not base64!") { id } b: order(id: "${encodeId('Order', 1)}") { id }
      c: order(id: "${encodeId('Customer', t.dataset.shopify.orders[0].id)}") { id } d: order(id: "${encodeId('Order', 'abc')}") { id } }`);
    expect(body).toEqual({ data: { a: null, b: null, c: null, d: null } });
  });

  it('names the shop customer for the CRM', async () => {
    const order = t.dataset.shopify.orders[0];
    const customer = t.dataset.shopify.customers.find((c) => c.id === order.customerId)!;
    const { body } = await t.gql(`{ order(id: "${encodeId('Order', order.id)}") { shopCustomer { id email } } }`);
    // shopCustomer is @inaccessible to clients but served to the gateway.
    expect(body.data.order.shopCustomer).toEqual({ id: `gid://shopify/Customer/${customer.id}`, email: customer.email });
  });
});

describe('Query.orders', () => {
  it('lists every order newest first across pages, without gaps or duplicates', async () => {
    expect(await allNumbers(null)).toEqual(newestFirst(t.dataset.shopify.orders).map((o) => o.name));
  });

  it('selects exactly the orders of each status, so pages stay exact', async () => {
    for (const status of ['PENDING', 'PAID', 'PARTIALLY_FULFILLED', 'FULFILLED', 'CANCELLED', 'REFUNDED']) {
      const expected = newestFirst(t.dataset.shopify.orders.filter((o) => orderStatus(o) === status)).map((o) => o.name);
      expect(expected.length, status).toBeGreaterThan(0);
      expect(await allNumbers({ status }), status).toEqual(expected);
    }
  });

  it('filters by placement date, both bounds exclusive', async () => {
    const sorted = newestFirst(t.dataset.shopify.orders);
    const [after, before] = [sorted[80].createdAt, sorted[20].createdAt];
    const expected = sorted.filter((o) => o.createdAt > after && o.createdAt < before).map((o) => o.name);
    expect(await allNumbers({ placedAfter: after, placedBefore: before })).toEqual(expected);
  });

  it('refuses a page larger than 100 and a cursor it did not issue, naming the argument', async () => {
    const big = await t.gql('{ orders(first: 101) { edges { cursor } } }');
    expect(big.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'first' } });
    const forged = await t.gql('{ orders(first: 1, after: "bm9wZQ") { edges { cursor } } }');
    expect(forged.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'after' } });
  });
});

describe('Order entities', () => {
  it('resolves a batch of orders with one nodes request, with null for an unknown id', async () => {
    const orders = t.dataset.shopify.orders.slice(0, 30);
    const representations = [...orders.map((o) => ({ __typename: 'Order', id: encodeId('Order', o.id) })), { __typename: 'Order', id: encodeId('Order', 1) }];
    t.shopify.resetCounters();
    const { body } = await t.gql(ENTITIES, { representations });
    expect(body.data._entities).toHaveLength(31);
    expect(body.data._entities.slice(0, 30).map((o: any) => o.number)).toEqual(orders.map((o) => o.name));
    expect(body.data._entities[30]).toBeNull();
    expect(t.shopify.counters()).toEqual({ [`POST ${GRAPHQL_PATH}`]: 1 });
    expect(t.shopify.rootFieldCounters()).toEqual({ nodes: 1 });
  });

  it("builds the version from the shop's and the ERP's change markers", async () => {
    const order = t.dataset.shopify.orders[5];
    const { body } = await t.gql(ENTITIES, { representations: [
      { __typename: 'Order', id: encodeId('Order', order.id), erpVersion: '2026-11-20 09:15:00' },
      { __typename: 'Order', id: encodeId('Order', order.id), erpVersion: null },
    ] });
    expect(body.data._entities.map((o: any) => o.version)).toEqual([
      encodeVersion({ COMMERCE: order.updatedAt, ERP: '2026-11-20 09:15:00' }),
      encodeVersion({ COMMERCE: order.updatedAt, ERP: null }),
    ]);
  });

  it('marks the ERP as unread in the version when the ERP could not read its sales order, with an error at version', async () => {
    const order = t.dataset.shopify.orders[5];
    const { body } = await t.gql(ENTITIES, { representations: [{ __typename: 'Order', id: encodeId('Order', order.id), erpVersion: UNAVAILABLE_MARKER }] });
    const version = body.data._entities[0].version;
    expect(version).toBe(encodeVersion({ COMMERCE: order.updatedAt, ERP: UNAVAILABLE_MARKER }));
    expect(version).not.toBe(encodeVersion({ COMMERCE: order.updatedAt, ERP: null }));
    expect(unavailableSystems(version)).toEqual(['ERP']);
    expect(body.errors).toEqual([expect.objectContaining({
      message: 'This version does not cover the ERP record, which could not be read.',
      path: ['_entities', 0, 'version'], extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'ERP' },
    })]);
  });
});

describe('Product', () => {
  it('serves a product by SKU priced in the shop currency, and null for an unknown SKU', async () => {
    const variant = t.dataset.shopify.variants[3];
    const { body } = await t.gql(`{ product(sku: "${variant.sku}") { sku title price { amount currency } } none: product(sku: "NOPE-1") { sku } }`);
    expect(body).toEqual({ data: { product: { sku: variant.sku, title: variant.title, price: { amount: variant.price, currency: 'USD' } }, none: null } });
  });

  it('resolves a batch of product entities with one productVariants search', async () => {
    const variants = t.dataset.shopify.variants;
    t.shopify.resetCounters();
    const { body } = await t.gql(ENTITIES, { representations: [...variants.map((v) => ({ __typename: 'Product', sku: v.sku })), { __typename: 'Product', sku: 'NOPE-1' }] });
    expect(body.data._entities).toEqual([
      ...variants.map((v) => ({ sku: v.sku, title: v.title, price: { amount: v.price, currency: 'USD' } })),
      null,
    ]);
    expect(t.shopify.rootFieldCounters()).toEqual({ shop: 1, productVariants: 1 });
    expect(t.shopify.totalRequests()).toBe(1);
  });

  it("loads a line's products once per request, whatever the number of lines", async () => {
    t.shopify.resetCounters();
    const { body } = await t.gql('{ orders(first: 50) { edges { node { lines { product { title } } } } } }');
    expect(body.errors).toBeUndefined();
    expect(t.shopify.rootFieldCounters()).toEqual({ orders: 1, shop: 1, productVariants: 1 });
  });
});
