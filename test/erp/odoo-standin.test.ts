import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';

const KEY = 'odoo-test-key';
const dataset = generateDataset({ customers: 20, orders: 80, products: 5 });
let odoo: StandIn;
let clock = new Date('2026-11-25T10:00:00Z');

beforeAll(async () => {
  odoo = await startOdooStandIn({ dataset, credential: KEY, database: 'acme', now: () => clock });
});
afterAll(() => odoo.close());
beforeEach(() => {
  odoo.setFaults({});
  odoo.resetCounters();
});

async function call(path: string, body: unknown, headers: Record<string, string> = { authorization: `bearer ${KEY}`, 'x-odoo-database': 'acme' }) {
  const res = await fetch(`${odoo.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('Odoo stand-in: authentication', () => {
  it('refuses a wrong or missing API key with werkzeug Unauthorized', async () => {
    for (const authorization of ['bearer wrong-key', '']) {
      const res = await call('/json/2/res.partner/search_read', { domain: [] }, { authorization, 'x-odoo-database': 'acme' });
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ name: 'werkzeug.exceptions.Unauthorized', message: 'Invalid apikey', arguments: ['Invalid apikey', 401], context: {} });
      expect(res.body.debug).toContain('Traceback');
    }
  });

  it('knows no route without the database header, as a multi-database server', async () => {
    const res = await call('/json/2/res.partner/search_read', { domain: [] }, { authorization: `bearer ${KEY}` });
    expect(res.status).toBe(404);
    expect(res.body.name).toBe('werkzeug.exceptions.NotFound');
  });

  it('accepts the scheme in any letter case', async () => {
    const res = await call('/json/2/res.country/search_count', { domain: [] }, { authorization: `Bearer ${KEY}`, 'x-odoo-database': 'acme' });
    expect(res).toEqual({ status: 200, body: dataset.odoo['res.country'].length });
  });
});

describe('Odoo stand-in: the JSON-2 dialect', () => {
  const partner = dataset.odoo['res.partner'][0];

  it('search_reads with a domain, fields, order and limit, values as ugly as Odoo keeps them', async () => {
    const res = await call('/json/2/res.partner/search_read', {
      domain: ['|', ['id', '=', partner.id], ['email', '=ilike', String(partner.email).toUpperCase()]],
      fields: ['name', 'street2', 'country_id', 'credit_limit', 'write_date'], order: 'id asc', limit: 5,
    });
    expect(res).toEqual({ status: 200, body: [{ id: partner.id, name: partner.name, street2: partner.street2, country_id: partner.country_id, credit_limit: partner.credit_limit, write_date: partner.write_date }] });
    expect(res.body[0].country_id).toEqual([expect.any(Number), expect.any(String)]);
  });

  it('pages with offset and limit in the order asked', async () => {
    const all = await call('/json/2/sale.order/search', { domain: [['state', '!=', 'cancel']], order: 'name desc' });
    const page = await call('/json/2/sale.order/search', { domain: [['state', '!=', 'cancel']], order: 'name desc', offset: 2, limit: 3 });
    expect(page.body).toEqual(all.body.slice(2, 5));
  });

  it('reads records by id, and fails the whole call with MissingError when one is gone', async () => {
    const ok = await call('/json/2/res.partner/read', { ids: [partner.id], fields: ['ref'] });
    expect(ok.body).toEqual([{ id: partner.id, ref: partner.ref }]);
    const missing = await call('/json/2/res.partner/read', { ids: [partner.id, 99999], fields: ['ref'] });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ name: 'odoo.exceptions.MissingError', message: expect.stringContaining('Record does not exist or has been deleted.') });
  });

  it('answers a bad field, domain or argument as Odoo does', async () => {
    expect((await call('/json/2/res.partner/search_read', { domain: [], fields: ['nope'] })).body.name).toBe('builtins.ValueError');
    expect((await call('/json/2/res.partner/search_read', { domain: [['nope', '=', 1]] })).status).toBe(500);
    expect((await call('/json/2/res.partner/search_read', { domain: [], frobnicate: 1 })).status).toBe(422);
    expect((await call('/json/2/no.model/search_read', {})).status).toBe(404);
  });

  it('hides archived records from searches unless asked', async () => {
    const created = await call('/json/2/res.partner/create', { vals_list: [{ name: 'Archived Ltd', active: false }] });
    const [id] = created.body;
    expect((await call('/json/2/res.partner/search_count', { domain: [['id', '=', id]] })).body).toBe(0);
    expect((await call('/json/2/res.partner/search_count', { domain: [['id', '=', id], ['active', '=', false]] })).body).toBe(1);
    expect((await call('/json/2/res.partner/search_read', { domain: [['id', '=', id]], context: { active_test: false }, fields: ['name'] })).body).toEqual([{ id, name: 'Archived Ltd' }]);
  });

  it('writes values, moving write_date; a many2one id is stored as [id, name]', async () => {
    clock = new Date('2026-11-25T10:30:00.789Z');
    const country = dataset.odoo['res.country'][1];
    expect((await call('/json/2/res.partner/write', { ids: [partner.id], vals: { phone: '+1 555 0100', country_id: country.id } })).body).toBe(true);
    const [after] = (await call('/json/2/res.partner/read', { ids: [partner.id], fields: ['phone', 'country_id', 'write_date'] })).body;
    expect(after).toEqual({ id: partner.id, phone: '+1 555 0100', country_id: [country.id, country.name], write_date: '2026-11-25 10:30:00' });
  });

  it('creates records with defaults, refusing one without a required field', async () => {
    clock = new Date('2026-11-25T11:00:00Z');
    const created = await call('/json/2/res.partner/create', { vals_list: [{ name: 'New Co', email: 'new@example.com' }] });
    const [record] = (await call('/json/2/res.partner/read', { ids: created.body, fields: ['name', 'ref', 'active', 'create_date', 'write_date'] })).body;
    expect(record).toEqual({ id: created.body[0], name: 'New Co', ref: false, active: true, create_date: '2026-11-25 11:00:00', write_date: '2026-11-25 11:00:00' });
    const refused = await call('/json/2/res.partner/create', { vals_list: [{ email: 'nameless@example.com' }] });
    expect(refused.status).toBe(422);
    expect(refused.body.name).toBe('odoo.exceptions.ValidationError');
  });

  it('cancels a sales order with action_cancel', async () => {
    clock = new Date('2026-11-25T12:00:00Z');
    const order = dataset.odoo['sale.order'].find((o) => o.state === 'sale')!;
    expect((await call('/json/2/sale.order/action_cancel', { ids: [order.id] })).body).toBe(true);
    expect((await call('/json/2/sale.order/read', { ids: [order.id], fields: ['state', 'write_date'] })).body)
      .toEqual([{ id: order.id, state: 'cancel', write_date: '2026-11-25 12:00:00' }]);
    expect((await call('/json/2/res.partner/action_cancel', { ids: [1] })).status).toBe(404);
  });

  it('serves the company with its currency', async () => {
    expect((await call('/json/2/res.company/search_read', { domain: [], fields: ['currency_id'] })).body).toEqual([{ id: 1, currency_id: [1, 'USD'] }]);
  });
});

describe('Odoo stand-in: counters and faults', () => {
  it('counts requests per model and method', async () => {
    await call('/json/2/res.partner/search_read', { domain: [], limit: 1 });
    await call('/json/2/res.partner/search_read', { domain: [], limit: 1 });
    await call('/json/2/account.move/search_count', { domain: [] });
    await call('/json/2/res.partner/search_read', {}, { authorization: 'bearer nope', 'x-odoo-database': 'acme' });
    expect(odoo.counters()).toEqual({ 'POST /json/2/res.partner/search_read': 2, 'POST /json/2/account.move/search_count': 1, unauthenticated: 1 });
  });

  it('fails or drops requests on demand', async () => {
    odoo.setFaults({ failStatus: 500, count: 1 });
    expect((await call('/json/2/res.country/search_count', { domain: [] })).status).toBe(500);
    expect((await call('/json/2/res.country/search_count', { domain: [] })).status).toBe(200);
    odoo.setFaults({ down: true });
    await expect(call('/json/2/res.country/search_count', { domain: [] })).rejects.toThrow();
  });
});
