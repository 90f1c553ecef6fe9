import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';

const t = useStack();

/** Walks a connection page by page and returns every node in order. */
async function walk(field: string, first: number, args = '', selection = 'id updatedAt'): Promise<any[]> {
  const nodes: any[] = [];
  let after: string | null = null;
  for (let page = 0; page < 100; page++) {
    const { body } = await t.gql(`query($after: String) { ${field}(first: ${first}, after: $after${args}) { edges { cursor node { ${selection} } } pageInfo { hasNextPage endCursor } } }`, { after });
    expect(body.errors).toBeUndefined();
    const connection = body.data[field];
    nodes.push(...connection.edges.map((e: any) => e.node));
    if (!connection.pageInfo.hasNextPage) return nodes;
    expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1).cursor);
    after = connection.pageInfo.endCursor;
  }
  throw new Error('Pagination did not end.');
}

describe('customers pagination', () => {
  it('walks every customer exactly once, most recently updated first', async () => {
    const nodes = await walk('customers', 37);
    expect(nodes).toHaveLength(t.stack.dataset.hubspot.contacts.length);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    const times = nodes.map((n) => n.updatedAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('filters by lifecycle stage, by update time and by a search term', async () => {
    const { contacts } = t.stack.dataset.hubspot;
    const evangelists = await walk('customers', 50, ', filter: { lifecycleStage: EVANGELIST }', 'id lifecycleStage');
    expect(evangelists.length).toBe(contacts.filter((c) => c.properties.lifecyclestage === 'evangelist').length);
    expect(new Set(evangelists.map((n) => n.lifecycleStage))).toEqual(new Set(['EVANGELIST']));

    const since = '2026-10-01T00:00:00.000Z';
    const recent = await walk('customers', 50, `, filter: { updatedSince: "${since}" }`);
    expect(recent.length).toBe(contacts.filter((c) => c.updatedAt >= since).length);

    const company = contacts.find((c) => c.properties.company)!.properties.company!;
    const found = await walk('customers', 100, `, filter: { search: "${company.toUpperCase()}" }`, 'company');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((n) => n.company === company)).toBe(true);
  });

  it('refuses first above 100 and a cursor it did not issue, naming the argument', async () => {
    const tooMany = await t.gql('{ customers(first: 101) { edges { cursor } } }');
    expect(tooMany.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(tooMany.body.errors![0].message).toContain('first');
    const badCursor = await t.gql('{ customers(first: 5, after: "not-a-cursor") { edges { cursor } } }');
    expect(badCursor.body.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(badCursor.body.errors![0].message).toContain('after');
  });
});

describe('orders pagination', () => {
  it('walks every order exactly once, newest first', async () => {
    const nodes = await walk('orders', 100, '', 'id placedAt');
    expect(nodes).toHaveLength(t.stack.dataset.shopify.orders.length);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(nodes.length);
    const times = nodes.map((n) => n.placedAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('filters by status and placement window exactly', async () => {
    const cancelled = await walk('orders', 100, ', filter: { status: CANCELLED }', 'status');
    expect(cancelled.length).toBe(t.stack.dataset.shopify.orders.filter((o) => o.cancelledAt).length);
    expect(new Set(cancelled.map((n) => n.status))).toEqual(new Set(['CANCELLED']));

    const window = await walk('orders', 100, ', filter: { placedAfter: "2026-01-01T00:00:00.000Z", placedBefore: "2026-02-01T00:00:00.000Z" }', 'placedAt');
    const expected = t.stack.dataset.shopify.orders.filter((o) => o.createdAt >= '2026-01-01T00:00:00Z' && o.createdAt < '2026-02-01T00:00:00Z');
    expect(window.length).toBe(expected.length);

    // Every order has exactly one canonical status, so the filtered walks partition all orders.
    let total = cancelled.length;
    for (const status of ['PAID', 'PENDING', 'FULFILLED', 'PARTIALLY_FULFILLED', 'REFUNDED']) {
      const nodes = await walk('orders', 100, `, filter: { status: ${status} }`, 'status');
      expect(new Set(nodes.map((n) => n.status))).toEqual(nodes.length ? new Set([status]) : new Set());
      total += nodes.length;
    }
    expect(total).toBe(t.stack.dataset.shopify.orders.length);
  });
});
