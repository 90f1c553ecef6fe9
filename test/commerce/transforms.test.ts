import { describe, expect, it } from 'vitest';
import { decodeCursor } from '../../subgraphs/shared/pagination.ts';
import { decodeId } from '../../subgraphs/shared/ids.ts';
import {
  commerceSource, fromShopifyOrder, fromShopifyVariant, orderStatus, toOrderPage, toOrderTotals, toShopCustomerMatch,
} from '../../subgraphs/commerce/transforms.ts';
import type { ShopifyCustomerNode, ShopifyOrderNode, ShopifyOrderTotalNode } from '../../subgraphs/commerce/shopify-types.ts';
import recorded from './fixtures/orders-by-ids.json' with { type: 'json' };
import handWritten from './fixtures/orders-hand-written.json' with { type: 'json' };
import variants from './fixtures/variants-by-sku.json' with { type: 'json' };
import customers from './fixtures/find-customers.json' with { type: 'json' };
import totals from './fixtures/customer-order-totals.json' with { type: 'json' };

const [paidEur, cancelled, refunded] = recorded.data.nodes as ShopifyOrderNode[];
const [jpy, guest, kwd] = handWritten.data.nodes as ShopifyOrderNode[];

describe('fromShopifyOrder', () => {
  it('maps a paid, fulfilled order with shop money rescaled to two decimals', () => {
    expect(fromShopifyOrder(paidEur)).toEqual({
      id: expect.any(String),
      number: '#1006',
      status: 'FULFILLED',
      placedAt: '2025-01-03T19:37:38.000Z',
      currency: 'USD',
      subtotal: { amount: '814.95', currency: 'USD' },
      tax: { amount: '65.20', currency: 'USD' },
      total: { amount: '880.15', currency: 'USD' },
      lines: [
        { sku: 'SKU-1048', title: 'Frost Keyboard', quantity: 2, unitPrice: { amount: '19.99', currency: 'USD' }, total: { amount: '39.98', currency: 'USD' } },
        { sku: 'SKU-1006', title: 'Indigo Desk Lamp', quantity: 2, unitPrice: { amount: '12.50', currency: 'USD' }, total: { amount: '25.00', currency: 'USD' } },
        { sku: 'SKU-1033', title: 'Walnut Chair', quantity: 3, unitPrice: { amount: '249.99', currency: 'USD' }, total: { amount: '749.97', currency: 'USD' } },
      ],
      shopCustomer: { id: 'gid://shopify/Customer/7391047', email: 'hiro.perlman47@example.com' },
      shopUpdatedAt: '2025-01-23T19:37:38Z',
    });
  });

  it('gives an opaque public id that holds the numeric shop id', () => {
    expect(decodeId('Order', fromShopifyOrder(paidEur).id)).toBe('450005');
  });

  it('keeps the change marker exactly as Shopify printed it', () => {
    expect(fromShopifyOrder(jpy).shopUpdatedAt).toBe('2026-11-21T09:00:00Z');
  });

  it('prints a currency without minor unit without decimals, and one with three with three', () => {
    const yen = fromShopifyOrder(jpy);
    expect([yen.subtotal, yen.tax, yen.total]).toEqual([
      { amount: '3600', currency: 'JPY' }, { amount: '360', currency: 'JPY' }, { amount: '3960', currency: 'JPY' },
    ]);
    expect(yen.lines[0]).toMatchObject({ unitPrice: { amount: '1200', currency: 'JPY' }, total: { amount: '2400', currency: 'JPY' } });
    const dinar = fromShopifyOrder(kwd);
    expect(dinar.total).toEqual({ amount: '37.500', currency: 'KWD' });
    expect(dinar.lines[0].total).toEqual({ amount: '37.500', currency: 'KWD' });
  });

  it('treats an empty SKU as none', () => {
    expect(fromShopifyOrder(jpy).lines[1].sku).toBeNull();
    expect(fromShopifyOrder(guest).lines[0].sku).toBeNull();
  });

  it('reads missing subtotal and tax bags as zero in the order currency, and a guest order has no shop customer', () => {
    expect(fromShopifyOrder(guest)).toMatchObject({
      status: 'PENDING',
      subtotal: { amount: '0.00', currency: 'USD' },
      tax: { amount: '0.00', currency: 'USD' },
      total: { amount: '0.00', currency: 'USD' },
      shopCustomer: null,
    });
  });

  it('keeps a shop customer without an email address', () => {
    expect(fromShopifyOrder(kwd).shopCustomer).toEqual({ id: 'gid://shopify/Customer/880002', email: null });
  });
});

describe('orderStatus', () => {
  const status = (cancelledAt: string | null, financial: string | null, fulfillment: string) =>
    orderStatus({ cancelledAt, displayFinancialStatus: financial, displayFulfillmentStatus: fulfillment });

  it('ranks cancelled, refunded, fulfilled, partially fulfilled, paid, then pending', () => {
    expect(status('2026-01-01T00:00:00Z', 'REFUNDED', 'FULFILLED')).toBe('CANCELLED');
    expect(status(null, 'REFUNDED', 'FULFILLED')).toBe('REFUNDED');
    expect(status(null, 'PAID', 'FULFILLED')).toBe('FULFILLED');
    expect(status(null, 'PENDING', 'PARTIALLY_FULFILLED')).toBe('PARTIALLY_FULFILLED');
    expect(status(null, 'PAID', 'UNFULFILLED')).toBe('PAID');
  });

  it('gives PENDING to every other combination', () => {
    for (const financial of ['PENDING', 'AUTHORIZED', 'PARTIALLY_PAID', 'PARTIALLY_REFUNDED', 'VOIDED', null]) {
      expect(status(null, financial, 'UNFULFILLED')).toBe('PENDING');
    }
  });

  it('maps the recorded cancelled and refunded orders', () => {
    expect(fromShopifyOrder(cancelled).status).toBe('CANCELLED');
    expect(fromShopifyOrder(refunded).status).toBe('REFUNDED');
  });
});

describe('toOrderPage', () => {
  it("wraps Shopify's cursors in ours", () => {
    const page = toOrderPage({ edges: [{ cursor: 'eyJsYXN0X2lkIjoxfQ==', node: guest }], pageInfo: { hasNextPage: true, endCursor: 'eyJsYXN0X2lkIjoxfQ==' } });
    expect(decodeCursor(page.edges[0].cursor)).toBe('eyJsYXN0X2lkIjoxfQ==');
    expect(decodeCursor(page.pageInfo.endCursor)).toBe('eyJsYXN0X2lkIjoxfQ==');
    expect(page.pageInfo.hasNextPage).toBe(true);
  });

  it('has no end cursor for an empty page', () => {
    expect(toOrderPage({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } }).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});

describe('toOrderTotals', () => {
  it('leaves cancelled orders out and keeps amounts exact with their date', () => {
    const orders = totals.data.nodes[0].orders.nodes as ShopifyOrderTotalNode[];
    const result = toOrderTotals(orders);
    expect(result).toHaveLength(orders.length - 1);
    expect(result).not.toContainEqual(expect.objectContaining({ placedAt: '2025-06-26T12:47:44.000Z' }));
    expect(result[0]).toEqual({ amount: '385.34', currency: 'USD', placedAt: '2026-11-01T20:26:32.000Z' });
  });
});

describe('fromShopifyVariant', () => {
  it('prices the variant in the shop currency', () => {
    const [lamp] = variants.data.productVariants.nodes;
    expect(fromShopifyVariant(lamp, variants.data.shop.currencyCode)).toEqual({ sku: 'SKU-1001', title: 'Walnut Desk Lamp', price: { amount: '12.50', currency: 'USD' } });
  });

  it('rescales a price Shopify printed with one decimal', () => {
    expect(fromShopifyVariant({ sku: 'X', title: 'X', price: '24.0' }, 'USD').price).toEqual({ amount: '24.00', currency: 'USD' });
  });
});

describe('commerceSource', () => {
  it('reports the gid, the marker as read and its canonical instant', () => {
    const [stored] = customers.data.nodes as ShopifyCustomerNode[];
    expect(commerceSource(toShopCustomerMatch(stored, 'STORED_ID'))).toEqual({
      system: 'COMMERCE', externalId: 'gid://shopify/Customer/7391000', version: '2026-01-09T03:39:30Z', updatedAt: '2026-01-09T03:39:30.000Z', linkedBy: 'STORED_ID',
    });
  });
});
