import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { odooSaleOrder, odooWriteSaleOrder, shopify, upstreamWrites } from './upstream-views.ts';

const t = useStack();

const CANCEL = `mutation($id: ID!, $v: String!) { cancelOrder(id: $id, expectedVersion: $v, reason: "Customer changed their mind") {
  order { id number version status fulfillment { status } } sync { system status externalId message } } }`;

/** Shop orders not cancelled whose ERP sales order is confirmed, as the public API lists them. */
async function cancellableOrders(): Promise<{ id: string; number: string; version: string }[]> {
  const { dataset } = t.stack;
  const confirmed = new Set(dataset.odoo['sale.order'].filter((s) => s.state === 'sale').map((s) => s.client_order_ref));
  const { body } = await t.gql('{ orders(first: 100) { edges { node { id number version status } } } }');
  return body.data.orders.edges.map((e: any) => e.node).filter((o: any) => o.status !== 'CANCELLED' && confirmed.has(o.number));
}

describe('cancelOrder', () => {
  it('cancels the order in the shop and its sales order in the ERP', async () => {
    const [order] = await cancellableOrders();
    const { body } = await t.gql(CANCEL, { id: order.id, v: order.version });
    expect(body.errors).toBeUndefined();
    const payload = body.data.cancelOrder;
    expect(payload.sync.map((s: any) => [s.system, s.status])).toEqual([['ERP', 'APPLIED'], ['COMMERCE', 'APPLIED']]);
    expect(payload.order).toMatchObject({ id: order.id, status: 'CANCELLED', fulfillment: { status: 'CANCELLED' } });
    expect(payload.order.version).not.toBe(order.version);
    expect((await odooSaleOrder(t.stack, order.number)).state).toBe('cancel');
    const shopId = payload.sync[1].externalId;
    expect((await shopify(t.stack, 'query($id: ID!) { order(id: $id) { cancelledAt } }', { id: shopId })).order.cancelledAt).not.toBeNull();
  });

  it('refuses a stale version and cancels nothing', async () => {
    const [, order] = await cancellableOrders();
    const sale = await odooSaleOrder(t.stack, order.number);
    // Someone edits the sales order in the ERP after the client read the order.
    await odooWriteSaleOrder(t.stack, sale.id, { client_order_ref: order.number });
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(CANCEL, { id: order.id, v: order.version });
    expect(body.errors![0].extensions).toMatchObject({ code: 'VERSION_CONFLICT', systems: ['ERP'] });
    expect(upstreamWrites(t.stack)).toEqual({});
    expect((await odooSaleOrder(t.stack, order.number)).state).toBe('sale');
  });
});
