import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';

const t = useStack();

const QUERY = (first: number) => `{ customers(first: ${first}) { edges { node {
  account { balance { amount } }
  orders(first: 5) { edges { node { total { amount } fulfillment { status } } } }
  socialProfiles { followers }
} } } }`;

/** Runs the query and returns the upstream requests it caused, per stand-in endpoint. */
async function requestsFor(first: number): Promise<Record<string, number>> {
  t.stack.resetUpstreamCounters();
  const { body } = await t.gql(QUERY(first));
  expect(body.errors).toBeUndefined();
  expect(body.data.customers.edges).toHaveLength(first);
  return t.stack.upstreamCounters();
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

describe('no N+1 across the federated read path', () => {
  it('makes as many upstream requests for 50 customers as for 10', async () => {
    // Mastodon has no batch lookup by handle: the first sight of each handle costs one lookup, after
    // which the subgraph's handle→id cache lets one accounts?id[]= call serve the whole batch.
    await requestsFor(50);
    const ten = await requestsFor(10);
    const fifty = await requestsFor(50);
    console.log(`upstream requests: first=10 → ${total(ten)}, first=50 → ${total(fifty)}`, fifty);
    expect(fifty).toEqual(ten);
    expect(total(fifty)).toBeLessThanOrEqual(12);
  });
});
