/** GraphiQL's example tabs (gateway/graphiql/examples.ts) pass the front door and run on the default dataset. */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { DEFAULT_LIMITS } from '../../gateway/limits/limits.ts';
import { EXAMPLE_CUSTOMER_EMAIL, EXAMPLE_OPERATIONS } from '../../gateway/graphiql/examples.ts';

const t = useStack();
const example = (name: string) => EXAMPLE_OPERATIONS.find((e) => e.name === name)!;

/** Runs an example as GraphiQL would, with a development token of every scope; its cost from the header. */
async function run(name: string, variables: Record<string, unknown> = JSON.parse(example(name).variables ?? '{}')) {
  const res = await fetch(t.stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...await devAuthHeader() },
    body: JSON.stringify({ query: example(name).query, variables, operationName: name }),
  });
  return { status: res.status, cost: Number(res.headers.get('x-query-cost')), body: await res.json() };
}

describe('the GraphiQL examples', () => {
  it('are the five the page opens with, each named after its operation', () => {
    expect(EXAMPLE_OPERATIONS.map((e) => e.name)).toEqual(['UnifiedCustomer', 'CustomerOrders', 'DiscrepancyReport', 'SyncStatus', 'UpdateCustomer']);
    for (const e of EXAMPLE_OPERATIONS) expect(e.query).toMatch(new RegExp(`^(query|mutation) ${e.name}\\b`, 'm'));
  });

  for (const name of ['UnifiedCustomer', 'CustomerOrders', 'DiscrepancyReport', 'SyncStatus']) {
    it(`runs ${name} without an error, within the default cost limit`, async () => {
      const result = await run(name);
      expect(result.status).toBe(200);
      expect(result.body.errors).toBeUndefined();
      expect(result.cost).toBeGreaterThan(0);
      expect(result.cost).toBeLessThanOrEqual(DEFAULT_LIMITS.maxCost);
    });
  }

  it('finds the example customer, with records in all four systems and orders with fulfilment and EUR totals', async () => {
    const unified = (await run('UnifiedCustomer')).body.data.customers.edges[0].node;
    expect(unified.email).toBe(EXAMPLE_CUSTOMER_EMAIL);
    expect(unified.sources.map((s: { system: string }) => s.system).sort()).toEqual(['COMMERCE', 'CRM', 'ERP', 'SOCIAL']);
    const orders = (await run('CustomerOrders')).body.data.customers.edges[0].node.orders.edges;
    expect(orders.length).toBeGreaterThan(0);
    expect(orders[0].node.totalIn).toMatchObject({ currency: 'EUR', rate: expect.any(String) });
  });

  it('runs UpdateCustomer with the id and version the UnifiedCustomer tab shows', async () => {
    const { id, version } = (await run('UnifiedCustomer')).body.data.customers.edges[0].node;
    const variables = { ...JSON.parse(example('UpdateCustomer').variables!), id, expectedVersion: version };
    const result = await run('UpdateCustomer', variables);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data.updateCustomer.customer).toMatchObject({ id, phone: '+14155550100' });
    expect(result.body.data.updateCustomer.sync.map((s: { status: string }) => s.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
  });
});
