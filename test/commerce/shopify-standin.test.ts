import { describe, expect, it } from 'vitest';
import { GRAPHQL_PATH } from '../../upstreams/shopify/server.ts';
import { TOKEN, useCommerce } from './harness.ts';

const t = useCommerce({ dataset: { customers: 30, orders: 150, products: 10 }, standInOnly: true });
const REFUSAL = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

describe('Shopify stand-in: authentication', () => {
  it('refuses a request without an access token with 401 and a string error', async () => {
    const res = await t.admin('{ shop { name } }', undefined, null);
    expect(res).toMatchObject({ status: 401, body: REFUSAL });
  });

  it('refuses a wrong access token the same way, without serving data', async () => {
    const res = await t.admin('{ shop { name } }', undefined, 'shpat_wrong');
    expect(res).toMatchObject({ status: 401, body: REFUSAL });
    expect(res.text).not.toContain('data');
  });

  it('refuses a body without a query with 400', async () => {
    const res = await fetch(`${t.shopify.url}${GRAPHQL_PATH}`, { method: 'POST', headers: { 'x-shopify-access-token': TOKEN, 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ errors: { query: 'Required parameter missing or invalid' } });
  });
});

describe('Shopify stand-in: the Admin GraphQL dialect', () => {
  it('prints MoneyV2 amounts as Shopify does, in shop and presentment money', async () => {
    const order = t.dataset.shopify.orders.find((o) => o.presentmentCurrencyCode === 'EUR')!;
    const { body } = await t.admin(`query($id: ID!) { order(id: $id) { currencyCode presentmentCurrencyCode
      totalPriceSet { shopMoney { amount currencyCode } presentmentMoney { amount currencyCode } } } }`, { id: `gid://shopify/Order/${order.id}` });
    const print = (amount: string) => amount.replace(/0+$/, '').replace(/\.$/, '.0');
    expect(body.data.order).toEqual({
      currencyCode: 'USD',
      presentmentCurrencyCode: 'EUR',
      totalPriceSet: {
        shopMoney: { amount: print(order.totalPriceSet.shopMoney.amount), currencyCode: 'USD' },
        presentmentMoney: { amount: print(order.totalPriceSet.presentmentMoney.amount), currencyCode: 'EUR' },
      },
    });
  });

  it('serves a customer with numberOfOrders as a string, amountSpent and E.164 phone', async () => {
    const customer = t.dataset.shopify.customers.find((c) => c.phone && t.dataset.shopify.orders.some((o) => o.customerId === c.id))!;
    const orders = t.dataset.shopify.orders.filter((o) => o.customerId === customer.id);
    const { body } = await t.admin(`query($id: ID!) { customer(id: $id) { id numberOfOrders amountSpent { currencyCode }
      defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } updatedAt } }`, { id: `gid://shopify/Customer/${customer.id}` });
    expect(body.data.customer).toEqual({
      id: `gid://shopify/Customer/${customer.id}`,
      numberOfOrders: String(orders.length),
      amountSpent: { currencyCode: 'USD' },
      defaultEmailAddress: { emailAddress: customer.email },
      defaultPhoneNumber: { phoneNumber: customer.phone },
      updatedAt: customer.updatedAt,
    });
  });

  it('finds customers by email case-insensitively and reports an unknown search field as a warning', async () => {
    const [a, b] = t.dataset.shopify.customers;
    const query = `email:${a.email!.toUpperCase()} OR email:"${b.email}" shoe_size:44`;
    const { body } = await t.admin('query($q: String) { customers(first: 10, query: $q) { nodes { id } } }', { q: query });
    expect(body.data.customers.nodes).toEqual([{ id: `gid://shopify/Customer/${a.id}` }, { id: `gid://shopify/Customer/${b.id}` }]);
    expect(body.extensions.search).toEqual([{ path: ['customers'], query, warnings: [{ field: 'shoe_size', message: 'Invalid search field for this query.' }] }]);
  });

  it('pages orders newest first with cursors, without gaps or duplicates', async () => {
    const seen: string[] = [];
    for (let after: string | null = null, more = true; more;) {
      const { body }: { body: any } = await t.admin(`query($after: String) { orders(first: 40, after: $after, sortKey: CREATED_AT, reverse: true) {
        edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }`, { after });
      seen.push(...body.data.orders.edges.map((e: any) => e.node.name));
      ({ hasNextPage: more, endCursor: after } = body.data.orders.pageInfo);
    }
    const expected = [...t.dataset.shopify.orders].sort((x, y) => y.createdAt.localeCompare(x.createdAt) || y.id - x.id).map((o) => o.name);
    expect(seen).toEqual(expected);
  });

  it("serves several customers' recent orders in one request through nodes", async () => {
    const buyers = [...new Set(t.dataset.shopify.orders.map((o) => o.customerId!))].slice(0, 5);
    t.shopify.resetCounters();
    const { body } = await t.admin(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on Customer { id orders(first: 2, sortKey: CREATED_AT, reverse: true) { nodes { name } } } } }`,
      { ids: buyers.map((id) => `gid://shopify/Customer/${id}`) });
    expect(body.data.nodes).toHaveLength(5);
    for (const [i, id] of buyers.entries()) {
      const newest = t.dataset.shopify.orders.filter((o) => o.customerId === id).sort((x, y) => y.createdAt.localeCompare(x.createdAt)).slice(0, 2);
      expect(body.data.nodes[i].orders.nodes).toEqual(newest.map((o) => ({ name: o.name })));
    }
    expect(t.shopify.counters()).toEqual({ [`POST ${GRAPHQL_PATH}`]: 1 });
    expect(t.shopify.rootFieldCounters()).toEqual({ nodes: 1 });
  });

  it('gives null for an id that names no record, and refuses one that is not a gid', async () => {
    const known = await t.admin('{ nodes(ids: ["gid://shopify/Customer/1", "gid://shopify/Order/1"]) { id } }');
    expect(known.body.data).toEqual({ nodes: [null, null] });
    const malformed = await t.admin('{ nodes(ids: ["7391000"]) { id } }');
    expect(malformed.body.errors[0]).toMatchObject({ message: "Invalid global id '7391000'", path: ['nodes'] });
  });

  it('finds variants by SKU with an OR search', async () => {
    const [a, , c] = t.dataset.shopify.variants;
    const { body } = await t.admin(`{ productVariants(first: 10, query: "sku:${a.sku} OR sku:'${c.sku}'") { nodes { sku price } } }`);
    expect(body.data.productVariants.nodes).toEqual([{ sku: a.sku, price: a.price }, { sku: c.sku, price: c.price }]);
  });

  it('filters orders by status, financial and fulfillment status and customer', async () => {
    const { body } = await t.admin('{ orders(first: 250, query: "-status:cancelled fulfillment_status:partial financial_status:paid") { nodes { cancelledAt displayFinancialStatus displayFulfillmentStatus } } }');
    const expected = t.dataset.shopify.orders.filter((o) => !o.cancelledAt && o.displayFulfillmentStatus === 'PARTIALLY_FULFILLED' && o.displayFinancialStatus === 'PAID');
    expect(body.data.orders.nodes).toHaveLength(expected.length);
    expect(new Set(body.data.orders.nodes.map((o: any) => `${o.cancelledAt}/${o.displayFinancialStatus}/${o.displayFulfillmentStatus}`)))
      .toEqual(new Set(['null/PAID/PARTIALLY_FULFILLED']));
  });

  it('reports the query cost and the bucket on every response', async () => {
    const { body } = await t.admin('{ shop { currencyCode } }');
    expect(body.extensions.cost).toEqual({
      requestedQueryCost: 1, actualQueryCost: 1,
      throttleStatus: { maximumAvailable: 2000, currentlyAvailable: expect.any(Number), restoreRate: 100 },
    });
  });
});

describe('Shopify stand-in: counters and faults', () => {
  it('counts each request under its route', async () => {
    t.shopify.resetCounters();
    await t.admin('{ shop { name } }');
    await t.admin('{ shop { name } }', undefined, null);
    expect(t.shopify.counters()).toEqual({ [`POST ${GRAPHQL_PATH}`]: 1, unauthenticated: 1 });
    expect(t.shopify.totalRequests()).toBe(1);
  });

  it('answers with an injected status, then recovers', async () => {
    t.shopify.setFaults({ failStatus: 500, count: 1 });
    expect((await t.admin('{ shop { name } }')).status).toBe(500);
    expect((await t.admin('{ shop { name } }')).status).toBe(200);
  });

  it('drops the connection when it is down', async () => {
    t.shopify.setFaults({ down: true });
    await expect(t.admin('{ shop { name } }')).rejects.toThrow();
    t.shopify.setFaults({});
  });
});

describe('Shopify stand-in: throttling', () => {
  const small = useCommerce({ dataset: { customers: 3, orders: 5, products: 2 }, standInOnly: true, throttle: { maximumAvailable: 5, restoreRate: 1 } });

  it('answers THROTTLED on a 200 when the bucket lacks the requested cost', async () => {
    const query = '{ customers(first: 1) { nodes { id defaultAddress { city } amountSpent { amount } } } }';
    expect((await small.admin(query)).body.data.customers.nodes).toHaveLength(1);
    const throttled = await small.admin(query);
    expect(throttled.status).toBe(200);
    expect(throttled.body).toEqual({
      errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: expect.any(String) } }],
      extensions: { cost: { requestedQueryCost: 5, actualQueryCost: null, throttleStatus: { maximumAvailable: 5, currentlyAvailable: expect.any(Number), restoreRate: 1 } } },
    });
    expect(throttled.body.extensions.cost.throttleStatus.currentlyAvailable).toBeLessThan(5);
  });
});
