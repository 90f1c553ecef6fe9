import { describe, expect, it } from 'vitest';
import { byId, fixture } from './fixtures.ts';
import type { OdooCurrencyRate, OdooInvoice, OdooPartner, OdooQuant, OdooSaleOrder } from '../../subgraphs/erp/types.ts';
import { accountNumber, creditLimit, fromOdooPartner, toErpSource } from '../../subgraphs/erp/transform-partner.ts';
import { matchPartners } from '../../subgraphs/erp/partner-match.ts';
import { fromOdooInvoice, invoiceStatus, openBalance } from '../../subgraphs/erp/transform-invoice.ts';
import { fromOdooSaleOrder, fulfillmentStatus, pickSaleOrder } from '../../subgraphs/erp/transform-fulfillment.ts';
import { available, toStockLevels } from '../../subgraphs/erp/transform-stock.ts';
import { buildRateTable } from '../../subgraphs/erp/rates.ts';

const partners = fixture<OdooPartner>('partners');
const invoices = fixture<OdooInvoice>('invoices');
const saleOrders = fixture<OdooSaleOrder>('sale-orders');
const quants = fixture<OdooQuant>('quants');
const rates = buildRateTable(fixture<OdooCurrencyRate>('rates'), 'USD');

/** The canonical fields of an invoice, without the internals kept for conversion. */
const publicInvoice = (record: OdooInvoice) => {
  const { number, status, issuedAt, dueAt, total, amountDue } = fromOdooInvoice(record);
  return { number, status, issuedAt, dueAt, total, amountDue };
};

describe('fromOdooPartner', () => {
  it('reads the account fields and the change marker as Odoo returned them', () => {
    const partner = fromOdooPartner(byId(partners, 10));
    expect(partner).toMatchObject({ id: 10, email: 'dennis.hopper0@example.com', ref: 'C00010', paymentTerms: '30 Days', writeDate: '2026-02-16 13:38:19' });
    expect(accountNumber(partner)).toBe('C00010');
    expect(creditLimit(partner, 'USD')).toEqual({ amount: '5000.00', currency: 'USD' });
    expect(toErpSource(partner, 'STORED_ID')).toEqual({
      system: 'ERP', externalId: '10', version: '2026-02-16 13:38:19', updatedAt: '2026-02-16T13:38:19.000Z', linkedBy: 'STORED_ID',
    });
  });

  it('parses a float credit limit exactly and has no limit for 0', () => {
    expect(creditLimit(fromOdooPartner(byId(partners, 24)), 'USD')).toEqual({ amount: '12500.50', currency: 'USD' });
    expect(creditLimit(fromOdooPartner(byId(partners, 11)), 'USD')).toBeNull();
  });

  it("turns Odoo's false into null everywhere, and numbers an account without a reference by its id", () => {
    const partner = fromOdooPartner(byId(partners, 77));
    expect(partner).toMatchObject({ email: null, ref: null, paymentTerms: null });
    expect(partner.creditLimit.isZero()).toBe(true);
    expect(accountNumber(partner)).toBe('77');
    expect(creditLimit(partner, 'USD')).toBeNull();
    expect(toErpSource(partner, 'EMAIL_MATCH')).toEqual({
      system: 'ERP', externalId: '77', version: '2026-11-20 09:15:00', updatedAt: '2026-11-20T09:15:00.000Z', linkedBy: 'EMAIL_MATCH',
    });
  });
});

describe('matchPartners', () => {
  const erpPartners = partners.map(fromOdooPartner);
  const match = (erpPartnerId: string | null, email: string | null) => {
    const [found] = matchPartners([{ erpPartnerId, email }], erpPartners);
    return found && { id: found.partner.id, linkedBy: found.linkedBy };
  };

  it('links by the stored partner id first', () => {
    expect(match('10', 'someone.else@example.com')).toEqual({ id: 10, linkedBy: 'STORED_ID' });
  });

  it('links a partner by email, whatever its letter case, when no id is stored', () => {
    expect(match(null, 'grace.torvalds14@example.com')).toEqual({ id: 24, linkedBy: 'EMAIL_MATCH' });
  });

  it('falls back to the email when the stored id no longer resolves', () => {
    expect(match('999', 'Frances.Dubois1@Example.com')).toEqual({ id: 11, linkedBy: 'EMAIL_MATCH' });
  });

  it('finds nothing without a resolvable id or a matching email', () => {
    expect(match(null, 'nobody@example.com')).toBeNull();
    expect(match('not-a-number', null)).toBeNull();
  });
});

describe('invoiceStatus', () => {
  it('maps draft, cancel, settled and open invoices', () => {
    expect(invoiceStatus('draft', 'paid')).toBe('DRAFT');
    expect(invoiceStatus('cancel', 'not_paid')).toBe('CANCELLED');
    for (const settled of ['paid', 'in_payment', 'reversed']) expect(invoiceStatus('posted', settled)).toBe('PAID');
    expect(invoiceStatus('posted', 'partial')).toBe('OPEN');
    expect(invoiceStatus('posted', 'not_paid')).toBe('OPEN');
    expect(invoiceStatus('posted', false)).toBe('OPEN');
  });
});

describe('fromOdooInvoice', () => {
  it('serves dates as DateTimes and float money exactly at the currency scale', () => {
    expect(publicInvoice(byId(invoices, 5958))).toEqual({
      number: 'INV/2026/00959', status: 'OPEN', issuedAt: '2026-10-22T00:00:00.000Z', dueAt: '2026-11-21T00:00:00.000Z',
      total: { amount: '332.08', currency: 'USD' }, amountDue: { amount: '332.08', currency: 'USD' },
    });
    expect(publicInvoice(byId(invoices, 5675))).toMatchObject({ total: { amount: '3126', currency: 'JPY' }, amountDue: { amount: '3126', currency: 'JPY' } });
    expect(publicInvoice(byId(invoices, 5966))).toMatchObject({ status: 'OPEN', amountDue: { amount: '29.56', currency: 'EUR' } });
  });

  it('has no due date when Odoo has none', () => {
    expect(publicInvoice(byId(invoices, 5975))).toMatchObject({ status: 'PAID', dueAt: null });
  });

  it('dates an undated draft by its creation and rounds float noise away', () => {
    expect(publicInvoice(byId(invoices, 6001))).toEqual({
      number: '/', status: 'DRAFT', issuedAt: '2026-11-19T08:00:00.000Z', dueAt: null,
      total: { amount: '0.30', currency: 'USD' }, amountDue: { amount: '0.30', currency: 'USD' },
    });
  });

  it('keeps the first sales order of the invoice origin', () => {
    expect(fromOdooInvoice(byId(invoices, 5958)).saleOrderName).toBe('S00959');
    expect(fromOdooInvoice(byId(invoices, 6002)).saleOrderName).toBe('S01002');
    expect(fromOdooInvoice(byId(invoices, 6001)).saleOrderName).toBeNull();
  });
});

describe('openBalance', () => {
  it('sums open residuals converted on each invoice date and rounds once', () => {
    // 332.08 USD + 29.56 EUR / 0.912841 + 3126 JPY / 147.22181 = 385.6957 (385.69 if each were rounded).
    expect(openBalance(invoices.map(fromOdooInvoice), rates)).toEqual({ amount: '385.70', currency: 'USD' });
  });

  it('is zero in the company currency without open invoices', () => {
    expect(openBalance([], rates)).toEqual({ amount: '0.00', currency: 'USD' });
  });
});

describe('fromOdooSaleOrder', () => {
  it('maps a delivered order to SHIPPED with its warehouse, date and first invoice', () => {
    expect(fromOdooSaleOrder(byId(saleOrders, 3984))).toEqual({
      clientOrderRef: '#1985', status: 'SHIPPED', erpOrderNumber: 'S00985', warehouse: 'San Francisco',
      shippedAt: '2026-11-14T19:07:51.000Z', firstInvoiceId: 5984, writeDate: '2026-11-20 12:00:00',
    });
  });

  it('maps quotations, confirmed and cancelled orders', () => {
    expect(fromOdooSaleOrder(byId(saleOrders, 3971))).toMatchObject({ status: 'CONFIRMED', shippedAt: null });
    expect(fromOdooSaleOrder(byId(saleOrders, 3982)).status).toBe('DRAFT');
    expect(fromOdooSaleOrder(byId(saleOrders, 3949)).status).toBe('DRAFT');
    expect(fromOdooSaleOrder(byId(saleOrders, 3909)).status).toBe('CANCELLED');
    expect(fulfillmentStatus('done', '2026-01-01 10:00:00')).toBe('SHIPPED');
  });

  it("turns an order's empty fields into null", () => {
    expect(fromOdooSaleOrder(byId(saleOrders, 9001))).toEqual({
      clientOrderRef: null, status: 'CONFIRMED', erpOrderNumber: 'S09001', warehouse: null, shippedAt: null, firstInvoiceId: null, writeDate: '2026-11-20 09:15:00',
    });
  });

  it('prefers the newest order that is not cancelled when the ERP holds several', () => {
    const cancelled = fromOdooSaleOrder(byId(saleOrders, 3909));
    const live = fromOdooSaleOrder(byId(saleOrders, 3971));
    expect(pickSaleOrder([cancelled, live])).toBe(live);
    expect(pickSaleOrder([cancelled])).toBe(cancelled);
    expect(pickSaleOrder([])).toBeNull();
  });
});

describe('toStockLevels', () => {
  it('gives one level per warehouse, sorted by name', () => {
    expect(toStockLevels(quants.filter((q) => q.product_id && q.product_id[0] === 900))).toEqual([
      { warehouse: 'Berlin', onHand: 49, reserved: 10 },
      { warehouse: 'San Francisco', onHand: 20, reserved: 10 },
    ]);
  });

  it("sums a warehouse's float quants before rounding once, and leaves out quants outside warehouses", () => {
    // 87 + 2.5 = 89.5 → 90; 7 + 0.5 = 7.5 → 8; the transit quant (7 units) is not stock of any warehouse.
    const levels = toStockLevels(quants.filter((q) => q.product_id && q.product_id[0] === 904));
    expect(levels).toEqual([{ warehouse: 'San Francisco', onHand: 90, reserved: 8 }]);
    expect(available(levels)).toBe(82);
  });
});
