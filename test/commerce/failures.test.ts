import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { commerceSubgraph } from '../../subgraphs/commerce/index.ts';
import { useCommerce } from './harness.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';

const t = useCommerce({ dataset: { customers: 10, orders: 30, products: 5 }, timeoutMs: 300 });

const ORDERS = '{ orders(first: 2) { edges { node { number } } } }';

/** Nothing in an error may tell the client where the shop is or how the gateway signs in. */
function expectNoLeak(text: string, url: string) {
  const { host, port } = new URL(url);
  for (const secret of [url, host, `:${port}`, 'shpat_', 'stack', 'at ']) expect(text).not.toContain(secret);
}

describe('commerce subgraph when Shopify fails', () => {
  it('reports UPSTREAM_UNAVAILABLE when Shopify is down', async () => {
    t.shopify.setFaults({ down: true });
    const res = await t.gql(ORDERS);
    t.shopify.setFaults({});
    expect(res.body).toEqual({
      data: null,
      errors: [{ message: 'Shopify is unreachable.', path: ['orders'], locations: expect.any(Array), extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'Shopify', outcomeUnknown: true } }],
    });
    expectNoLeak(res.text, t.shopify.url);
  });

  it('reports UPSTREAM_ERROR when Shopify answers 500', async () => {
    t.shopify.setFaults({ failStatus: 500 });
    const res = await t.gql(ORDERS);
    t.shopify.setFaults({});
    expect(res.body.errors[0]).toMatchObject({ path: ['orders'], extensions: { code: 'UPSTREAM_ERROR', system: 'Shopify', status: 500 } });
    expectNoLeak(res.text, t.shopify.url);
  });

  it('reports UPSTREAM_UNAVAILABLE when Shopify does not answer in time', async () => {
    t.shopify.setFaults({ latencyMs: 1000 });
    const res = await t.gql(`{ order(id: "${encodeId('Order', t.dataset.shopify.orders[0].id)}") { number } }`);
    t.shopify.setFaults({});
    expect(res.body.errors[0]).toMatchObject({ message: 'Shopify did not answer within 300 ms.', path: ['order'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });

  it('degrades the customer\'s commerce fields instead of failing the entity, with the error at orders only', async () => {
    t.shopify.setFaults({ failStatus: 503 });
    const contact = t.dataset.hubspot.contacts.find((c) => c.properties.shop_customer_id)!;
    const res = await t.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer {
      commerceSource { system externalId version updatedAt linkedBy } orders { edges { cursor } pageInfo { hasNextPage endCursor } } shopOrderTotals { amount } } } }`,
    { r: [{ __typename: 'Customer', id: encodeId('Customer', contact.id), links: { email: contact.properties.email, shopCustomerId: contact.properties.shop_customer_id } }] });
    t.shopify.setFaults({});
    // commerceSource: the unavailable sentinel the CRM recognises; shopOrderTotals: null, which the ERP reports.
    expect(res.body.data._entities).toEqual([{
      commerceSource: { system: 'COMMERCE', externalId: '', version: null, updatedAt: null, linkedBy: 'UNAVAILABLE' },
      orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
      shopOrderTotals: null,
    }]);
    expect(res.body.errors.map((e: any) => [e.path, e.extensions.code, e.extensions.system])).toEqual([
      [['_entities', 0, 'orders'], 'UPSTREAM_UNAVAILABLE', 'Shopify'],
    ]);
    expectNoLeak(res.text, t.shopify.url);
  });

  it('still fails Customer.orders on a bad argument while Shopify is down', async () => {
    t.shopify.setFaults({ down: true });
    const contact = t.dataset.hubspot.contacts.find((c) => c.properties.shop_customer_id)!;
    const res = await t.gql(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { orders(first: 101) { edges { cursor } } } } }`,
      { r: [{ __typename: 'Customer', id: encodeId('Customer', contact.id), links: { email: contact.properties.email, shopCustomerId: contact.properties.shop_customer_id } }] });
    t.shopify.setFaults({});
    expect(res.body.data._entities).toEqual([null]);
    expect(res.body.errors.map((e: any) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('commerce subgraph when Shopify throttles', () => {
  const throttled = useCommerce({ dataset: { customers: 3, orders: 5, products: 2 }, throttle: { maximumAvailable: 1, restoreRate: 0.001 } });

  it('reports UPSTREAM_UNAVAILABLE when the bucket would take too long to refill', async () => {
    const res = await throttled.gql(ORDERS);
    expect(res.body.errors[0]).toMatchObject({ message: "Shopify is throttling the gateway's queries.", extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });
});

describe('commerce subgraph when Shopify throttles for a moment', () => {
  // Room for one query at a time (each costs a little under 20 points), refilled within a second.
  const brief = useCommerce({ dataset: { customers: 3, orders: 5, products: 2 }, throttle: { maximumAvailable: 20, restoreRate: 20 } });

  it('waits until the bucket holds the query again and retries, as Shopify advises', async () => {
    brief.shopify.resetCounters();
    const answers = await Promise.all([brief.gql(ORDERS), brief.gql(ORDERS), brief.gql(ORDERS)]);
    expect(answers.map((a) => a.body.errors)).toEqual([undefined, undefined, undefined]);
    // More requests than queries: some were throttled and sent again.
    expect(Object.values(brief.shopify.counters()).reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
  });
});

describe('commerce subgraph with a wrong token', () => {
  let subgraph: RunningSubgraph;
  beforeAll(async () => {
    subgraph = await startSubgraph(commerceSubgraph({ shopify: { baseUrl: t.shopify.url, credential: 'shpat_revoked', timeoutMs: 1000 } }), TEST_LISTEN);
  });
  afterAll(() => subgraph.close());

  it('reports UPSTREAM_ERROR without the token', async () => {
    const headers = { 'content-type': 'application/json', ...(await internalAuthHeader('commerce')) };
    const res = await fetch(subgraph.url, { method: 'POST', headers, body: JSON.stringify({ query: ORDERS }) });
    const text = await res.text();
    expect(JSON.parse(text).errors[0]).toMatchObject({ message: "Shopify refused the gateway's credential (HTTP 401).", extensions: { code: 'UPSTREAM_ERROR' } });
    expect(text).not.toContain('revoked');
    expectNoLeak(text, t.shopify.url);
  });
});
