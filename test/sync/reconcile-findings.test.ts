/** The pure decisions of a reconciliation pass: carry the CRM's change over, or report a discrepancy. */
import { describe, expect, it } from 'vitest';
import { compareCustomer, type CustomerComparison, type SystemSide } from '../../subgraphs/sync/reconcile/customer-findings.ts';
import { compareOrder } from '../../subgraphs/sync/reconcile/order-findings.ts';
import type { MasterView, SystemRecord } from '../../subgraphs/shared/write-adapter.ts';
import type { ChangedSaleOrder, ChangedShopOrder } from '../../subgraphs/shared/change-feed.ts';

const T = Date.parse('2026-11-20T12:00:00.000Z');
const address = { line1: '1 Rue de Rivoli', line2: null, city: 'Paris', region: null, postalCode: '75001', country: 'FR' };
const crm: MasterView = { firstName: 'Ada', lastName: 'Lovelace', displayName: 'Ada Lovelace', email: 'ada@example.com', phone: '+33142685353', address };
const times = { firstName: T - 1000, lastName: T - 1000, email: T - 1000, phone: T - 1000, address: T - 1000 };

const erpRecord = (canonical: Partial<MasterView>, changedAt: number, linkedBy: SystemRecord['linkedBy'] = 'STORED_ID'): SystemRecord => ({
  externalId: '42', marker: 'm', linkedBy, values: {}, changedAt,
  canonical: { displayName: 'Ada Lovelace', email: 'ada@example.com', phone: '+33142685353', address, ...canonical },
});
const side = (record: SystemRecord | null, extra: Partial<SystemSide> = {}): SystemSide => ({ system: 'ERP', record, storedId: '42', emailMatches: null, ...extra });
const compare = (sides: SystemSide[], crmTimes = times, crmView = crm, crmCountryText: string | null = 'France'): ReturnType<typeof compareCustomer> =>
  compareCustomer({ contactId: '101', version: 'v1', crm: crmView, crmEmail: crm.email, crmCountryText, crmTimes, sides } satisfies CustomerComparison);

describe('compareCustomer', () => {
  it('finds nothing when the linked record agrees (email case aside)', () => {
    expect(compare([side(erpRecord({ email: 'ADA@EXAMPLE.COM' }, T))])).toEqual({ propagate: {}, findings: [], unlessWritten: [] });
  });

  it('carries a field over when the CRM changed it after the record last changed (a lost webhook), a discrepancy only if the write is refused', () => {
    const verdict = compare([side(erpRecord({ phone: '+33100000000' }, T - 5000))]);
    expect(verdict.propagate).toEqual({ ERP: ['phone'] });
    expect(verdict.findings).toEqual([]);
    expect(verdict.unlessWritten.map((f) => [f.kind, f.field, f.sourceValue])).toEqual([['FIELD_MISMATCH', 'phone', '+33100000000']]);
  });

  it('does not carry over a CRM change made within the second the record was stamped (it may be the older one)', () => {
    const verdict = compare([side(erpRecord({ phone: '+33100000000' }, T - 1000))], { ...times, phone: T - 500 });
    expect(verdict.propagate).toEqual({});
    expect(verdict.findings.map((f) => f.field)).toEqual(['phone']);
  });

  it('reports the field when the record changed after the CRM did, with both values and what resolving needs', () => {
    const verdict = compare([side(erpRecord({ phone: '+33100000000' }, T))]);
    expect(verdict.propagate).toEqual({});
    expect(verdict.findings).toEqual([{
      kind: 'FIELD_MISMATCH', system: 'ERP', field: 'phone', canonicalValue: '+33142685353', sourceValue: '+33100000000',
      contactId: '101', orderId: null, detail: { version: 'v1', sourceCanonical: '+33100000000' },
    }]);
  });

  it('decides per field: a name changed in the CRM goes over, a street changed in the ERP is reported', () => {
    const crmTimes = { ...times, firstName: T + 2000 };
    const verdict = compare([side(erpRecord({ displayName: 'Ada King', address: { ...address, line1: '2 Rue de Rivoli' } }, T))], crmTimes);
    expect(verdict.propagate).toEqual({ ERP: ['firstName', 'lastName'] });
    expect(verdict.findings.map((f) => [f.kind, f.field, f.sourceValue])).toEqual([['FIELD_MISMATCH', 'address', '2 Rue de Rivoli, Paris, 75001, FR']]);
  });

  it('reports a stored id that names no record, or that only an email match stands in for', () => {
    expect(compare([side(null)]).findings.map((f) => [f.kind, f.field, f.canonicalValue])).toEqual([['BROKEN_LINK', 'erpPartnerId', '42']]);
    expect(compare([side(erpRecord({}, T, 'EMAIL_MATCH'))]).findings.map((f) => f.kind)).toEqual(['BROKEN_LINK']);
    expect(compare([side(null, { storedId: null })]).findings).toEqual([]);
  });

  it('reports an email that several records of the system share, when the link rests on it', () => {
    const verdict = compare([side(erpRecord({}, T, 'EMAIL_MATCH'), { storedId: null, emailMatches: 2 })]);
    expect(verdict.findings.map((f) => [f.kind, f.canonicalValue, f.sourceValue])).toEqual([['AMBIGUOUS_EMAIL', 'ada@example.com', '2 records']]);
    expect(compare([side(erpRecord({}, T, 'EMAIL_MATCH'), { storedId: null, emailMatches: 1 })]).findings).toEqual([]);
  });

  it('reports a CRM country text that names no country, and does not carry that address over', () => {
    const unknown = { ...crm, address: { ...address, line1: '2 Rue de Rivoli', country: null } };
    const verdict = compare([side(erpRecord({}, T - 5000))], { ...times, address: T }, unknown, 'Gallia');
    expect(verdict.findings).toEqual([
      { kind: 'UNRECOGNISED_COUNTRY', system: 'CRM', field: 'address.country', canonicalValue: null, sourceValue: 'Gallia', contactId: '101', orderId: null, detail: { version: 'v1' } },
      expect.objectContaining({ kind: 'FIELD_MISMATCH', system: 'ERP', field: 'address', sourceValue: '1 Rue de Rivoli, Paris, 75001, FR' }),
    ]);
    expect(verdict.propagate).toEqual({});
  });

  it('reports no country finding for a recognised country text, or for none', () => {
    expect(compare([side(erpRecord({}, T))], times, crm, 'Frankreich').findings).toEqual([]);
    expect(compare([side(erpRecord({ address: { ...address, country: null } }, T))], times, { ...crm, address: { ...address, country: null } }, null).findings).toEqual([]);
  });
});

const order: ChangedShopOrder = {
  externalId: 'gid://shopify/Order/7', orderId: '7', number: '#1007', changedAt: T, placedAt: T - 3 * 86_400_000, cancelled: false,
  total: { amount: '108.00', currency: 'EUR' }, shopTotal: { amount: '116.42', currency: 'USD' },
};
const sale = (amount: string, currency = 'EUR'): ChangedSaleOrder => ({
  externalId: '3007', name: 'S00007', clientOrderRef: '#1007', total: { amount, currency }, orderedAt: order.placedAt, changedAt: T, cancelled: false,
});
const shopTotalIn = (converted: string) => async (currency: string) =>
  currency === 'EUR' ? { total: order.total, converted: false } : { total: { amount: converted, currency }, converted: true };
const DAY = 86_400_000;

describe('compareOrder', () => {
  const none = { findings: [], recheckAt: null };

  it('reports a shop order without a sales order after the grace period, asks to look again when it ends, and never minds a cancelled one', async () => {
    const missing = await compareOrder({ order, saleOrder: null, now: T, graceMs: DAY, shopTotalIn: shopTotalIn('0') });
    expect(missing).toEqual({
      findings: [{ kind: 'MISSING_ERP_ORDER', system: 'ERP', field: '', canonicalValue: '#1007', sourceValue: null, contactId: null, orderId: '7', detail: { number: '#1007' } }],
      recheckAt: null,
    });
    expect(await compareOrder({ order, saleOrder: null, now: T, graceMs: 5 * DAY, shopTotalIn: shopTotalIn('0') })).toEqual({ findings: [], recheckAt: order.placedAt + 5 * DAY });
    expect(await compareOrder({ order: { ...order, cancelled: true }, saleOrder: null, now: T, graceMs: DAY, shopTotalIn: shopTotalIn('0') })).toEqual(none);
  });

  it('compares totals exactly in the same currency', async () => {
    expect(await compareOrder({ order, saleOrder: sale('108.00'), now: T, graceMs: DAY, shopTotalIn: shopTotalIn('0') })).toEqual(none);
    const off = await compareOrder({ order, saleOrder: sale('108.01'), now: T, graceMs: DAY, shopTotalIn: shopTotalIn('0') });
    expect(off.findings.map((f) => [f.kind, f.field, f.canonicalValue, f.sourceValue])).toEqual([['ORDER_TOTAL_MISMATCH', 'total', '108.00 EUR', '108.01 EUR']]);
  });

  it('tolerates one minor unit after a conversion, not more', async () => {
    expect(await compareOrder({ order, saleOrder: sale('17001', 'JPY'), now: T, graceMs: DAY, shopTotalIn: shopTotalIn('17000') })).toEqual(none);
    expect((await compareOrder({ order, saleOrder: sale('17002', 'JPY'), now: T, graceMs: DAY, shopTotalIn: shopTotalIn('17000') })).findings).toHaveLength(1);
  });
});
