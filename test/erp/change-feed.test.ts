import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { OdooRecord } from '../../upstreams/dataset/types.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { createErpReconcileReader, type ErpReconcileReader } from '../../subgraphs/erp/reconcile-reader.ts';
import { createErpWriteAdapter } from '../../subgraphs/erp/write-adapter.ts';
import { createOdooClient } from '../../subgraphs/erp/client.ts';
import type { ChangedRecord } from '../../subgraphs/shared/change-feed.ts';
import type { OdooConfig } from '../../subgraphs/erp/config.ts';
import { money, rateOn } from './oracle.ts';
import { readAll } from '../support/change-feeds.ts';

const KEY = 'odoo-dev-api-key';
const dataset = generateDataset({ customers: 500, orders: 1000, products: 8 });
const T = Date.parse('2027-01-04T09:00:00.000Z');

// The stand-in stamps write_date from this clock; tests move it on by whole seconds.
let clock = new Date(T);
const at = (ms: number) => {
  clock = new Date(ms);
};

let odoo: StandIn;
let config: OdooConfig;
let reader: ErpReconcileReader;
beforeAll(async () => {
  odoo = await startOdooStandIn({ dataset, credential: KEY, now: () => clock });
  config = { baseUrl: odoo.url, credential: KEY, database: 'standin', timeoutMs: 5000 };
  reader = createErpReconcileReader(config);
});
afterAll(() => odoo?.close());

/** A JSON-2 call straight to the stand-in, to change its data. */
async function odooCall(model: string, method: string, body: unknown): Promise<any> {
  const res = await fetch(`${odoo.url}/json/2/${model}/${method}`, {
    method: 'POST', headers: { authorization: `bearer ${KEY}`, 'x-odoo-database': 'standin', 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Epoch ms of an Odoo naive UTC datetime. */
const epoch = (naive: unknown) => Date.parse(`${String(naive).replace(' ', 'T')}Z`);

const partners = dataset.odoo['res.partner'];
const saleOrders = dataset.odoo['sale.order'];
const byTime = (a: ChangedRecord, b: ChangedRecord) => a.changedAt - b.changedAt || Number(a.externalId) - Number(b.externalId);

describe('ERP partner change feed', () => {
  it('returns the partners changed since a time, oldest change first, with their emails', async () => {
    const base = T + 60_000;
    for (const [i, partner] of [partners[30], partners[4], partners[17]].entries()) {
      at(base + (i + 1) * 1000);
      await odooCall('res.partner', 'write', { ids: [partner.id], vals: { city: `City ${i}` } });
    }
    expect(await reader.partners.page(base + 500, null)).toEqual({
      records: [
        { externalId: String(partners[30].id), changedAt: base + 1000, email: partners[30].email },
        { externalId: String(partners[4].id), changedAt: base + 2000, email: partners[4].email },
        { externalId: String(partners[17].id), changedAt: base + 3000, email: partners[17].email },
      ],
      next: null,
    });
    // Odoo keeps whole seconds: a time within the second of a change still finds it.
    expect((await reader.partners.page(base + 1500, null)).records.map((r) => r.externalId)).toEqual([partners[30], partners[4], partners[17]].map((p) => String(p.id)));
  });

  it('returns every active partner once across pages of 200, oldest first, from time 0', async () => {
    await odooCall('res.partner', 'write', { ids: [partners[9].id], vals: { active: false } });
    odoo.resetCounters();
    const { records, pages } = await readAll(reader.partners, 0);
    const active = partners.filter((p) => p.id !== partners[9].id);
    expect(records.map((r) => Number(r.externalId)).sort((a, b) => a - b)).toEqual(active.map((p) => p.id).sort((a, b) => a - b));
    expect(pages).toBe(Math.floor(active.length / 200) + 1);
    expect(odoo.counters()).toEqual({ 'POST /json/2/res.partner/search_read': pages });
    expect([...records].sort(byTime)).toEqual(records);
    await odooCall('res.partner', 'write', { ids: [partners[9].id], vals: { active: true } });
  });

  it('skips no partner when one already read changes meanwhile: that one comes again at its new write_date', async () => {
    const { records: before } = await readAll(reader.partners, 0);
    const moved = before[0];
    at(T + 3_600_000);
    const { records } = await readAll(reader.partners, 0, async (page) => {
      if (page === 1) await odooCall('res.partner', 'write', { ids: [Number(moved.externalId)], vals: { city: 'Elsewhere' } });
    });
    expect(records).toHaveLength(before.length + 1);
    expect(new Set(records.map((r) => r.externalId)).size).toBe(before.length);
    expect(records.at(-1)).toMatchObject({ externalId: moved.externalId, changedAt: T + 3_600_000 });
  });

  it('refuses a position it did not give', async () => {
    await expect(reader.partners.page(0, '{"writeDate":"yesterday","id":1}')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
  });
});

/** What the feed and lookups should say of a sales order, worked out from the raw dataset record. */
function expected(order: OdooRecord, changes: Partial<OdooRecord> = {}) {
  const o = { ...order, ...changes };
  const currency = (o.currency_id as [number, string])[1];
  return {
    externalId: String(o.id), changedAt: epoch(o.write_date), name: o.name, clientOrderRef: o.client_order_ref,
    total: money(String(o.amount_total), currency), orderedAt: epoch(o.date_order), cancelled: o.state === 'cancel',
  };
}

describe('ERP sales order change feed', () => {
  it('returns the sales orders changed since a time, with their totals at the currency’s scale, oldest first', async () => {
    const base = T + 7_200_000;
    const eur = saleOrders.find((o) => (o.currency_id as [number, string])[1] === 'EUR' && o.state === 'sale')!;
    const jpy = saleOrders.find((o) => (o.currency_id as [number, string])[1] === 'JPY' && o.state !== 'cancel')!;
    at(base + 1000);
    await odooCall('sale.order', 'action_cancel', { ids: [jpy.id] });
    at(base + 2000);
    await odooCall('sale.order', 'write', { ids: [eur.id], vals: { amount_total: 1234.5 } });
    const page = await reader.saleOrders.page(base, null);
    expect(page).toEqual({
      records: [
        expected(jpy, { state: 'cancel', write_date: '2027-01-04 11:00:01' }),
        expected(eur, { amount_total: 1234.5, write_date: '2027-01-04 11:00:02' }),
      ],
      next: null,
    });
    expect(page.records[1].total).toEqual({ amount: '1234.50', currency: 'EUR' });
    expect(page.records[0].total.amount).toMatch(/^\d+$/);
  });

  it('returns every sales order once across pages from time 0', async () => {
    const { records, pages } = await readAll(reader.saleOrders, 0);
    expect(pages).toBeGreaterThan(2);
    expect(records.map((r) => Number(r.externalId)).sort((a, b) => a - b)).toEqual(saleOrders.map((o) => o.id).sort((a, b) => a - b));
    expect([...records].sort(byTime)).toEqual(records);
  });
});

describe('ERP reconcile reader: saleOrdersByClientRefs', () => {
  it('gives the sales order of each shop order number, and nothing for a number without one', async () => {
    const [a, b] = saleOrders.filter((o) => o.state === 'sale').slice(10, 12);
    const found = await reader.saleOrdersByClientRefs([String(a.client_order_ref), String(b.client_order_ref), '#999999']);
    expect(Object.fromEntries(found)).toEqual({ [String(a.client_order_ref)]: expected(a), [String(b.client_order_ref)]: expected(b) });
  });

  it('picks the newest sales order not cancelled when several carry the number, else the newest', async () => {
    const original = saleOrders.filter((o) => o.state === 'sale')[20];
    const ref = String(original.client_order_ref);
    at(T + 9_000_000);
    await odooCall('sale.order', 'action_cancel', { ids: [original.id] });
    expect((await reader.saleOrdersByClientRefs([ref])).get(ref)).toMatchObject({ externalId: String(original.id), cancelled: true });
    const [reentered] = await odooCall('sale.order', 'create', {
      vals_list: [{ partner_id: (original.partner_id as [number, string])[0], client_order_ref: ref, state: 'sale', amount_total: 10.5, currency_id: 1, date_order: '2027-01-04 11:30:00' }],
    });
    expect((await reader.saleOrdersByClientRefs([ref])).get(ref)).toMatchObject({
      externalId: String(reentered), cancelled: false, total: { amount: '10.50', currency: 'USD' }, orderedAt: Date.parse('2027-01-04T11:30:00Z'),
    });
  });
});

describe('ERP reconcile reader: convert', () => {
  it('converts with the rates valid on the day, rounding once to the target currency’s scale', async () => {
    const on = Date.parse('2025-06-18T22:30:00Z');
    const eur = rateOn(dataset, 'EUR', '2025-06-18').rate;
    const jpy = rateOn(dataset, 'JPY', '2025-06-18').rate;
    expect(await reader.convert({ amount: '100.00', currency: 'EUR' }, 'USD', on)).toEqual(money(new Decimal(100).div(eur), 'USD'));
    expect(await reader.convert({ amount: '598.94', currency: 'USD' }, 'JPY', on)).toEqual(money(new Decimal('598.94').times(jpy), 'JPY'));
    expect(await reader.convert({ amount: '12.30', currency: 'EUR' }, 'JPY', on)).toEqual(money(new Decimal('12.30').times(jpy.div(eur)), 'JPY'));
    expect(await reader.convert({ amount: '12.30', currency: 'EUR' }, 'EUR', on)).toEqual({ amount: '12.30', currency: 'EUR' });
  });

  it('reads the rate table once for many conversions', async () => {
    const fresh = createErpReconcileReader(config);
    odoo.resetCounters();
    for (let i = 0; i < 5; i++) await fresh.convert({ amount: '1.00', currency: 'EUR' }, 'USD', Date.parse('2025-06-18T00:00:00Z'));
    expect(odoo.counters()).toEqual({ 'POST /json/2/res.company/search_read': 1, 'POST /json/2/res.currency.rate/search_read': 1 });
  });
});

describe('ERP write adapter: countByEmail', () => {
  const adapter = () => createErpWriteAdapter(createOdooClient(config));

  it('counts the active partners with the email in any letter case, and only that email', async () => {
    const email = String(partners[40].email);
    const stored = partners.filter((p) => String(p.email).toLowerCase() === email.toLowerCase()).length;
    expect(await adapter().countByEmail(email.toUpperCase())).toBe(stored);
    const [copy] = await odooCall('res.partner', 'create', { vals_list: [{ name: 'Copy', email: email.toUpperCase() }] });
    expect(await adapter().countByEmail(email)).toBe(stored + 1);
    await odooCall('res.partner', 'write', { ids: [copy], vals: { active: false } });
    expect(await adapter().countByEmail(email)).toBe(stored);
    expect(await adapter().countByEmail('nobody@example.org')).toBe(0);
  });

  it('takes the email literally, not as a pattern', async () => {
    await odooCall('res.partner', 'create', { vals_list: [{ name: 'Pat', email: 'a_b@example.org' }, { name: 'Pat', email: 'axb@example.org' }] });
    expect(await adapter().countByEmail('a_b@example.org')).toBe(1);
    expect(await adapter().countByEmail('a%@example.org')).toBe(0);
  });

  it('counts many emails at once, keyed trimmed and lowercased, the same counts as one by one', async () => {
    const emails = [...new Set(partners.slice(50, 70).map((p) => String(p.email).toLowerCase()))];
    const expected = new Map(await Promise.all([...emails, 'nobody@example.org'].map(async (e) => [e, await adapter().countByEmail(e)] as const)));
    expect(await adapter().countByEmails([...emails.map((e) => ` ${e.toUpperCase()} `), 'nobody@example.org'])).toEqual(expected);
  });
});
