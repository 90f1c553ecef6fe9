import { beforeEach, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { useErp } from './harness.ts';
import { money, rateOn } from './oracle.ts';
import type { ShopifyOrder } from '../../upstreams/dataset/types.ts';

const t = useErp({ ODOO_REFERENCE_TTL_MS: '0' });
beforeEach(() => t.odoo.resetCounters());

const FULFILLMENT = 'erpVersion fulfillment { status erpOrderNumber warehouse shippedAt invoiceNumber }';
const naiveToIso = (value: unknown) => `${String(value).replace(' ', 'T')}.000Z`;

/** The representation the gateway sends for a shop order: key plus the @requires fields. */
const orderRep = (o: ShopifyOrder) => ({
  __typename: 'Order', id: `order-${o.id}`, number: o.name,
  total: { amount: o.totalPriceSet.shopMoney.amount, currency: o.totalPriceSet.shopMoney.currencyCode },
  placedAt: new Date(o.createdAt).toISOString(),
});
const saleOrderOf = (o: ShopifyOrder) => t.dataset.odoo['sale.order'].find((s) => s.client_order_ref === o.name);

describe('Order in the ERP subgraph', () => {
  it('serves the fulfilment of a delivered order from its sales order', async () => {
    const order = t.dataset.shopify.orders.find((o) => saleOrderOf(o)?.effective_date)!;
    const sale = saleOrderOf(order)!;
    const invoice = t.dataset.odoo['account.move'].find((m) => m.id === (sale.invoice_ids as number[])[0])!;
    const { body } = await t.entities([orderRep(order)], `... on Order { ${FULFILLMENT} }`);
    expect(body).toEqual({ data: { _entities: [{
      erpVersion: sale.write_date,
      fulfillment: {
        status: 'SHIPPED', erpOrderNumber: sale.name, warehouse: (sale.warehouse_id as [number, string])[1],
        shippedAt: naiveToIso(sale.effective_date), invoiceNumber: invoice.name,
      },
    }] } });
  });

  it('maps quotations to DRAFT and cancelled orders to CANCELLED, without invoice', async () => {
    const draft = t.dataset.shopify.orders.find((o) => ['draft', 'sent'].includes(String(saleOrderOf(o)?.state)))!;
    const cancelled = t.dataset.shopify.orders.find((o) => saleOrderOf(o)?.state === 'cancel')!;
    const { body } = await t.entities([orderRep(draft), orderRep(cancelled)], '... on Order { fulfillment { status shippedAt invoiceNumber } }');
    expect(body.data._entities).toEqual([
      { fulfillment: { status: 'DRAFT', shippedAt: null, invoiceNumber: null } },
      { fulfillment: { status: 'CANCELLED', shippedAt: null, invoiceNumber: null } },
    ]);
  });

  it('has no fulfilment and no ERP version for an order the ERP does not know yet', async () => {
    const order = t.dataset.shopify.orders.find((o) => !saleOrderOf(o))!;
    const { body } = await t.entities([orderRep(order)], `... on Order { ${FULFILLMENT} }`);
    expect(body).toEqual({ data: { _entities: [{ erpVersion: null, fulfillment: null }] } });
  });

  it('converts the total with the ERP rate valid on the order date', async () => {
    const order = t.dataset.shopify.orders[100];
    const day = new Date(order.createdAt).toISOString().slice(0, 10);
    const { rate, date } = rateOn(t.dataset, 'JPY', day);
    const usd = order.totalPriceSet.shopMoney.amount;
    const { body } = await t.entities([orderRep(order)], '... on Order { totalIn(currency: "JPY") { amount currency original { amount currency } rate rateDate } }');
    expect(body.data._entities[0].totalIn).toEqual({
      ...money(new Decimal(usd).times(rate), 'JPY'), original: { amount: usd, currency: 'USD' }, rate: rate.toString(), rateDate: `${date}T00:00:00.000Z`,
    });
  });

  it('refuses a currency that is not an ISO 4217 code before reading any rate', async () => {
    const { body } = await t.entities([orderRep(t.dataset.shopify.orders[0])], '... on Order { totalIn(currency: "euros") { amount } }');
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argument: 'currency' } })]);
    expect(t.odoo.totalRequests()).toBe(0);
  });

  it('resolves 3 or 40 orders with the same Odoo requests', async () => {
    const selection = `... on Order { ${FULFILLMENT} totalIn(currency: "EUR") { amount } }`;
    const counts = async (n: number) => {
      t.odoo.resetCounters();
      const { body } = await t.entities(t.dataset.shopify.orders.slice(0, n).map(orderRep), selection);
      expect(body.errors).toBeUndefined();
      return t.odoo.counters();
    };
    const three = await counts(3);
    expect(three).toEqual({
      'POST /json/2/sale.order/search_read': 1,
      'POST /json/2/account.move/read': 1,
      'POST /json/2/res.company/search_read': 1,
      'POST /json/2/res.currency.rate/search_read': 1,
    });
    expect(await counts(40)).toEqual(three);
  });
});

describe('Product in the ERP subgraph', () => {
  it('serves stock per warehouse and what is available, and nothing for an unknown SKU', async () => {
    const product = t.dataset.odoo['product.product'][4];
    const quants = t.dataset.odoo['stock.quant'].filter((q) => (q.product_id as [number, string])[0] === product.id);
    const { body } = await t.entities(
      [{ __typename: 'Product', sku: product.default_code }, { __typename: 'Product', sku: 'NOPE-1' }],
      '... on Product { sku stock { warehouse onHand reserved } available }');
    expect(body.data._entities).toEqual([
      {
        sku: product.default_code,
        stock: quants.map((q) => ({ warehouse: (q.warehouse_id as [number, string])[1], onHand: q.quantity, reserved: q.reserved_quantity }))
          .sort((a, b) => a.warehouse.localeCompare(b.warehouse)),
        available: quants.reduce((n, q) => n + Number(q.quantity) - Number(q.reserved_quantity), 0),
      },
      { sku: 'NOPE-1', stock: [], available: 0 },
    ]);
  });

  it('costs two Odoo requests per batch of SKUs, however many', async () => {
    const skus = t.dataset.odoo['product.product'].map((p) => ({ __typename: 'Product', sku: p.default_code }));
    await t.entities(skus, '... on Product { stock { onHand } available }');
    expect(t.odoo.counters()).toEqual({ 'POST /json/2/product.product/search_read': 1, 'POST /json/2/stock.quant/search_read': 1 });
  });
});
