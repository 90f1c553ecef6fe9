/**
 * The gateway shapes its answers with compiled result shaping (gateway/result-shaping/), not Apollo's
 * own (test/gateway/result-shaping.test.ts compares the two on generated answers): a page over the
 * stand-ins comes back with its aliases, its fields in the operation's order, the __typename asked for
 * under its alias, and none of the helper fields the plan fetched (keys, @requires inputs).
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { compiledShapingInstalled } from '../../gateway/result-shaping/install.ts';

const t = useStack();

describe('result shaping in the running gateway', () => {
  it('answers a page with its aliases and order and no helper fields, shaped by the compiled shaping', async () => {
    expect(compiledShapingInstalled()).toBe(true);
    const { body } = await t.gql(`query($withOrders: Boolean!) { customers(first: 3) { edges { node {
      kind: __typename who: id email ... on Customer { name }
      account { number } orders(first: 1) @include(if: $withOrders) { edges { node { number } } } } } } }`, { withOrders: true });
    expect(body.errors).toBeUndefined();
    const nodes = body.data.customers.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
    expect(nodes).toHaveLength(3);
    for (const node of nodes) {
      expect(Object.keys(node)).toEqual(['kind', 'who', 'email', 'name', 'account', 'orders']);
      expect(node.kind).toBe('Customer');
      expect(node.account === null || Object.keys(node.account as object).join() === 'number').toBe(true);
    }
    const skipped = await t.gql('query($withOrders: Boolean!) { customers(first: 1) { edges { node { id orders(first: 1) @include(if: $withOrders) { edges { node { number } } } } } } }', { withOrders: false });
    expect(Object.keys(skipped.body.data.customers.edges[0].node)).toEqual(['id']);
  });
});
