import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';

const t = useStack();

const ORDER_FIELDS = `id number version status placedAt currency
  subtotal { amount currency } tax { amount currency } total { amount currency }
  totalIn(currency: "EUR") { amount currency original { amount currency } rate rateDate }
  lines { sku title quantity unitPrice { amount currency } total { amount currency } product { sku title price { amount currency } available stock { warehouse onHand reserved } } }
  fulfillment { status erpOrderNumber warehouse shippedAt invoiceNumber }
  customer { id email }`;

async function orderByNumber(number: string) {
  // Orders are listed newest first; find the one with this number through the public API only.
  for (let after: string | null = null, page = 0; page < 40; page++) {
    const { body }: any = await t.gql(`query($after: String) { orders(first: 50, after: $after) { edges { node { ${ORDER_FIELDS} } } pageInfo { hasNextPage endCursor } } }`, { after });
    expect(body.errors).toBeUndefined();
    const hit = body.data.orders.edges.find((e: any) => e.node.number === number);
    if (hit) return hit.node;
    if (!body.data.orders.pageInfo.hasNextPage) break;
    after = body.data.orders.pageInfo.endCursor;
  }
  throw new Error(`Order ${number} not found.`);
}

describe('Order through the gateway', () => {
  it('serves a fulfilled multi-currency order with its ERP fulfilment, conversion and CRM customer', async () => {
    const { dataset } = t.stack;
    const shopOrder = dataset.shopify.orders.find((o) => o.presentmentCurrencyCode === 'EUR' && o.displayFulfillmentStatus === 'FULFILLED'
      && dataset.odoo['sale.order'].some((s) => s.client_order_ref === o.name && s.effective_date))!;
    const sale = dataset.odoo['sale.order'].find((s) => s.client_order_ref === shopOrder.name)!;
    const order = await orderByNumber(shopOrder.name);

    expect(order.currency).toBe('USD');
    expect(order.total).toEqual({ amount: shopOrder.totalPriceSet.shopMoney.amount, currency: 'USD' });
    expect(order.subtotal.amount).toBe(shopOrder.subtotalPriceSet.shopMoney.amount);
    expect(order.placedAt).toBe(new Date(shopOrder.createdAt).toISOString());
    expect(order.lines).toHaveLength(shopOrder.lineItems.length);
    for (const line of order.lines) {
      expect(line.product.sku).toBe(line.sku);
      expect(line.product.available).toBe(line.product.stock.reduce((n: number, s: any) => n + s.onHand - s.reserved, 0));
    }
    expect(order.fulfillment).toMatchObject({ erpOrderNumber: sale.name, shippedAt: new Date(`${String(sale.effective_date).replace(' ', 'T')}Z`).toISOString() });
    expect(order.totalIn).toMatchObject({ currency: 'EUR', original: order.total });
    expect(order.totalIn.amount).toMatch(/^\d+\.\d{2}$/);
    expect(order.totalIn.rateDate <= order.placedAt).toBe(true);

    const shopCustomer = dataset.shopify.customers.find((c) => c.id === shopOrder.customerId)!;
    expect(order.customer.email.toLowerCase()).toBe(shopCustomer.email!.toLowerCase());
  });

  it('reads one order by id, and null for an unknown one', async () => {
    const { body } = await t.gql('{ orders(first: 1) { edges { node { id number version } } } }');
    const { id, number, version } = body.data.orders.edges[0].node;
    const again = await t.gql('query($id: ID!) { order(id: $id) { id number version } missing: order(id: "T3JkZXI6MQ") { id } }', { id });
    expect(again.body).toEqual({ data: { order: { id, number, version }, missing: null } });
  });

  it('has no fulfilment for an order the ERP does not know yet', async () => {
    const { dataset } = t.stack;
    const known = new Set(dataset.odoo['sale.order'].map((s) => s.client_order_ref));
    const newest = [...dataset.shopify.orders].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).find((o) => !known.has(o.name))!;
    const order = await orderByNumber(newest.name);
    expect(order.fulfillment).toBeNull();
  });

  it('serves a product by SKU with ERP stock, and null for an unknown SKU', async () => {
    const { dataset } = t.stack;
    const variant = dataset.shopify.variants[0];
    const quants = dataset.odoo['stock.quant'].filter((q) => (q.product_id as [number, string])[1].includes(variant.sku));
    const { body } = await t.gql('query($sku: ID!) { product(sku: $sku) { sku title price { amount currency } stock { warehouse onHand reserved } available } none: product(sku: "NOPE-1") { sku } }', { sku: variant.sku });
    expect(body.data.none).toBeNull();
    expect(body.data.product).toMatchObject({ sku: variant.sku, title: variant.title, price: { amount: variant.price, currency: 'USD' } });
    expect(body.data.product.stock).toHaveLength(quants.length);
    expect(body.data.product.available).toBe(quants.reduce((n, q) => n + Number(q.quantity) - Number(q.reserved_quantity), 0));
  });
});
