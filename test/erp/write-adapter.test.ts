import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { HubSpotContact } from '../../upstreams/dataset/types.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';
import { erpSubgraph } from '../../subgraphs/erp/index.ts';
import { readErpConfig } from '../../subgraphs/erp/config.ts';
import { createOdooClient } from '../../subgraphs/erp/client.ts';
import { createErpWriteAdapter } from '../../subgraphs/erp/write-adapter.ts';
import type { CustomerLinks } from '../../subgraphs/shared/sources.ts';
import type { CustomerFields } from '../../subgraphs/shared/write-adapter.ts';

const KEY = 'odoo-dev-api-key';
const dataset = generateDataset({ customers: 40, orders: 300, products: 8 });
const GERMANY = 57;

// The stand-in stamps write_date from this clock; tests move it on by whole seconds.
let clock = new Date('2027-01-04T09:00:00Z');
const tick = () => {
  clock = new Date(clock.getTime() + 1000);
  return clock.toISOString().slice(0, 19).replace('T', ' ');
};

let odoo: StandIn;
let subgraph: RunningSubgraph;
let adapter: ReturnType<typeof createErpWriteAdapter>;
beforeAll(async () => {
  odoo = await startOdooStandIn({ dataset, credential: KEY, now: () => clock });
  const config = readErpConfig({ ODOO_URL: odoo.url, ODOO_TIMEOUT_MS: '500' });
  subgraph = await startSubgraph(erpSubgraph(config), TEST_LISTEN);
  adapter = createErpWriteAdapter(createOdooClient(config.odoo));
});
afterAll(async () => {
  await subgraph?.close();
  await odoo?.close();
});
beforeEach(() => odoo.resetCounters());
afterEach(() => odoo.setFaults({}));

/** A JSON-2 call straight to the stand-in, to set up or inspect its data. */
async function odooCall(model: string, method: string, body: unknown): Promise<any> {
  const res = await fetch(`${odoo.url}/json/2/${model}/${method}`, {
    method: 'POST', headers: { authorization: `bearer ${KEY}`, 'x-odoo-database': 'standin', 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  return res.json();
}

/** `_entities` on the ERP subgraph, as the gateway asks it. */
async function entity(representation: Record<string, unknown>, selection: string): Promise<any> {
  const res = await fetch(subgraph.url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(await internalAuthHeader('erp')) },
    body: JSON.stringify({ query: `query($r: [_Any!]!) { _entities(representations: $r) { ${selection} } }`, variables: { r: [representation] } }),
  });
  const body = await res.json();
  expect(body.errors).toBeUndefined();
  return body.data._entities[0];
}

const linksOf = (contact: HubSpotContact): CustomerLinks => ({
  contactId: contact.id, email: contact.properties.email, erpPartnerId: contact.properties.erp_partner_id,
  shopCustomerId: contact.properties.shop_customer_id, mastodonAcct: contact.properties.mastodon_acct,
});
/** The read path's ERP source of the customer with these links. */
const erpSource = async (links: CustomerLinks) =>
  (await entity({ __typename: 'Customer', id: `customer-${links.contactId}`, links }, '... on Customer { erpSource { externalId version linkedBy } }')).erpSource;
/** The read path's Order.erpVersion of the shop order with this number. */
const erpVersion = async (number: string) => (await entity({ __typename: 'Order', id: 'order-1', number }, '... on Order { erpVersion }')).erpVersion;

/** The i-th contact (in dataset order) whose partner id is stored on it; each test takes its own. */
/** The i-th contact that stores a partner id naming a partner (the dataset's deliberately broken links left out). */
const linkedContact = (i: number) => dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id
  && !dataset.disagreements.some((x) => x.kind === 'BROKEN_LINK' && x.contactId === c.id))[i];
const partnerOf = (contact: HubSpotContact) => dataset.odoo['res.partner'].find((p) => p.id === Number(contact.properties.erp_partner_id))!;
/** Epoch ms of an Odoo naive UTC datetime. */
const epoch = (naive: unknown) => Date.parse(`${String(naive).replace(' ', 'T')}Z`);
const valuesOf = (partner: Record<string, unknown>) => ({
  name: partner.name, email: partner.email, phone: partner.phone, street: partner.street, street2: partner.street2,
  city: partner.city, zip: partner.zip, country_id: (partner.country_id as [number, string])[0],
});

const ADA: CustomerFields = {
  firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', email: 'ada.lovelace@example.org', phone: '+4930901820',
  address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', region: 'Berlin', postalCode: '10117', country: 'DE' },
  lifecycleStage: 'CUSTOMER',
};
const ADA_VALS = {
  name: 'Ada Lovelace', email: 'ada.lovelace@example.org', phone: '+4930901820',
  street: 'Unter den Linden 1', street2: false, city: 'Berlin', zip: '10117', country_id: GERMANY,
};
const NOTHING: CustomerFields = { firstName: null, lastName: null, company: null, email: null, phone: null, address: null, lifecycleStage: null };

/** The error a promise rejects with, after checking that nothing about the upstream leaks into it. */
async function refusal(promise: Promise<unknown>): Promise<any> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).not.toBeNull();
  const shown = JSON.stringify({ message: (error as Error).message, extensions: (error as { extensions?: unknown }).extensions });
  expect(shown).not.toMatch(/Traceback|odoo\/http\.py|127\.0\.0\.1|localhost|odoo-dev-api-key/);
  expect(shown).not.toContain(String(odoo.port));
  return error;
}

describe('project', () => {
  it('maps the canonical fields to res.partner vals, the country looked up by its ISO code', async () => {
    expect(await adapter.project(ADA, ['firstName', 'lastName', 'company', 'email', 'phone', 'address', 'lifecycleStage'])).toEqual(ADA_VALS);
    expect(odoo.counters()).toEqual({ 'POST /json/2/res.country/search_read': 1 });
    // A code keeps its id: the next address in that country costs no lookup, in any letter case.
    odoo.resetCounters();
    expect(await adapter.project({ ...ADA, address: { ...ADA.address!, country: ' de' } }, ['address'])).toMatchObject({ country_id: GERMANY });
    expect(odoo.counters()).toEqual({});
  });

  it('names the partner "first last", else by the company, else by the email local part, from the whole desired state', async () => {
    expect(await adapter.project(ADA, ['lastName'])).toEqual({ name: 'Ada Lovelace' });
    expect(await adapter.project({ ...ADA, firstName: null, lastName: ' ' }, ['lastName'])).toEqual({ name: 'Analytical Engines' });
    expect(await adapter.project({ ...ADA, firstName: null, lastName: null, company: null }, ['company'])).toEqual({ name: 'ada.lovelace' });
    expect(await adapter.project(NOTHING, ['firstName'])).toEqual({ name: false });
  });

  it('clears with false, without asking Odoo for a country', async () => {
    expect(await adapter.project(NOTHING, ['email', 'phone', 'address'])).toEqual({
      email: false, phone: false, street: false, street2: false, city: false, zip: false, country_id: false,
    });
    const noCountry = { ...ADA, address: { ...ADA.address!, country: null } };
    expect(await adapter.project(noCountry, ['address'])).toEqual({ street: 'Unter den Linden 1', street2: false, city: 'Berlin', zip: '10117', country_id: false });
    expect(odoo.counters()).toEqual({});
  });

  it('leaves lifecycleStage to the CRM', async () => {
    expect(await adapter.project(ADA, ['lifecycleStage'])).toEqual({});
  });

  it('refuses a country the ERP does not know, naming address.country', async () => {
    const error = await refusal(adapter.project({ ...ADA, address: { ...ADA.address!, country: 'ZZ' } }, ['address']));
    expect(error).toMatchObject({
      message: 'Field "address.country": the ERP knows no country with the code "ZZ".',
      extensions: { code: 'BAD_USER_INPUT', field: 'address.country' },
    });
  });
});

describe('read', () => {
  it('finds the partner by the stored id, with the marker the read path reports', async () => {
    const contact = linkedContact(0);
    const partner = partnerOf(contact);
    const record = await adapter.read(linksOf(contact));
    expect(record).toEqual({
      externalId: String(partner.id), marker: partner.write_date, changedAt: epoch(partner.write_date), linkedBy: 'STORED_ID', values: valuesOf(partner),
      canonical: {
        displayName: 'Alan Thompson', email: 'alan.thompson0@example.com', phone: '+49308266841',
        address: { line1: 'Torstraße 1', line2: null, city: 'Berlin', region: null, postalCode: '10115', country: 'DE' },
      },
    });
    expect(await erpSource(linksOf(contact))).toEqual({ externalId: String(partner.id), version: record!.marker, linkedBy: 'STORED_ID' });
  });

  it('finds the partner by email in any letter case when no id is stored, or the stored one is stale', async () => {
    const contact = dataset.hubspot.contacts.find((c) => !c.properties.erp_partner_id
      && dataset.odoo['res.partner'].some((p) => p.email === c.properties.email!.toUpperCase()))!;
    const partner = dataset.odoo['res.partner'].find((p) => p.email === contact.properties.email!.toUpperCase())!;
    expect(await adapter.read(linksOf(contact))).toMatchObject({ externalId: String(partner.id), marker: partner.write_date, linkedBy: 'EMAIL_MATCH' });
    const stale = { ...linksOf(linkedContact(1)), erpPartnerId: '999999' };
    expect(await adapter.read(stale)).toMatchObject({ externalId: linkedContact(1).properties.erp_partner_id, linkedBy: 'EMAIL_MATCH' });
  });

  it('is null for a customer the ERP does not know', async () => {
    expect(await adapter.read({ contactId: '1', email: 'nobody@example.org', erpPartnerId: null, shopCustomerId: null, mastodonAcct: null })).toBeNull();
  });
});

describe('update', () => {
  it('writes the vals and moves write_date; the marker stays equal to the read path', async () => {
    const contact = linkedContact(2);
    const partner = partnerOf(contact);
    const changes = await adapter.project({ ...ADA, email: contact.properties.email }, ['phone', 'address']);
    odoo.resetCounters();
    const stamp = tick();
    await adapter.update(String(partner.id), changes);

    expect(odoo.counters()).toEqual({ 'POST /json/2/res.partner/write': 1 });
    const record = await adapter.read(linksOf(contact));
    expect(record).toEqual({
      externalId: String(partner.id), marker: stamp, changedAt: epoch(stamp), linkedBy: 'STORED_ID',
      values: { ...valuesOf(partner), phone: '+4930901820', street: 'Unter den Linden 1', street2: false, city: 'Berlin', zip: '10117', country_id: GERMANY },
      canonical: {
        displayName: partner.name, email: partner.email, phone: '+4930901820',
        address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', region: null, postalCode: '10117', country: 'DE' },
      },
    });
    expect(await erpSource(linksOf(contact))).toEqual({ externalId: String(partner.id), version: stamp, linkedBy: 'STORED_ID' });
  });

  it("keeps the marker for a second write within the same second (Odoo's write_date is to the second)", async () => {
    const contact = linkedContact(3);
    const id = contact.properties.erp_partner_id!;
    const stamp = tick();
    await adapter.update(id, { city: 'Bonn' });
    await adapter.update(id, { city: 'Köln' });
    expect(await adapter.read(linksOf(contact))).toMatchObject({ marker: stamp, values: { city: 'Köln' } });
  });

  it('writes nothing when there is nothing to change', async () => {
    const contact = linkedContact(4);
    tick();
    await adapter.update(contact.properties.erp_partner_id!, {});
    expect(odoo.counters()).toEqual({});
    expect((await adapter.read(linksOf(contact)))!.marker).toBe(partnerOf(contact).write_date);
  });

  it('answers NOT_FOUND for a partner that does not exist', async () => {
    expect(await refusal(adapter.update('999999', { city: 'Bonn' }))).toMatchObject({
      message: 'Odoo has no record for res.partner/write: it does not exist or was deleted.', extensions: { code: 'NOT_FOUND', system: 'Odoo', status: 404 },
    });
    expect(await refusal(adapter.update('partner-7', { city: 'Bonn' }))).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(odoo.counters()).toEqual({ 'POST /json/2/res.partner/write': 1 });
  });

  it("turns Odoo's ValidationError into BAD_USER_INPUT carrying its message, not its traceback, and changes nothing", async () => {
    const contact = linkedContact(5);
    tick();
    const error = await refusal(adapter.update(contact.properties.erp_partner_id!, { city: 'Bonn', country_id: 999999 }));
    expect(error).toMatchObject({
      message: 'Odoo refused the change: The operation cannot be completed: res.partner.country_id refers to a res.country record that does not exist (id 999999).',
      extensions: { code: 'BAD_USER_INPUT', system: 'Odoo', status: 422 },
    });
    expect(await adapter.read(linksOf(contact))).toMatchObject({
      externalId: contact.properties.erp_partner_id, marker: partnerOf(contact).write_date, linkedBy: 'STORED_ID', values: valuesOf(partnerOf(contact)),
    });
  });

  it('answers UPSTREAM_UNAVAILABLE when Odoo is down or busy, and the partner is unchanged', async () => {
    const contact = linkedContact(6);
    odoo.setFaults({ down: true });
    expect(await refusal(adapter.update(contact.properties.erp_partner_id!, { city: 'Bonn' })))
      .toMatchObject({ message: 'Odoo is unreachable.', extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'Odoo' } });
    odoo.setFaults({ failStatus: 503 });
    expect(await refusal(adapter.read(linksOf(contact)))).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', status: 503 } });
    expect(await refusal(adapter.create(ADA))).toMatchObject({ extensions: { code: 'UPSTREAM_UNAVAILABLE', status: 503 } });
    odoo.setFaults({});
    expect((await adapter.read(linksOf(contact)))!.values.city).toBe(partnerOf(contact).city);
  });
});

describe('create', () => {
  it('creates the partner from the whole desired state', async () => {
    const stamp = tick();
    const id = await adapter.create(ADA);
    // The country's id is kept from an earlier test of this file, if any.
    const { 'POST /json/2/res.country/search_read': _countryLookup, ...calls } = odoo.counters();
    expect(calls).toEqual({ 'POST /json/2/res.partner/search_read': 1, 'POST /json/2/res.partner/create': 1 });
    const links = { contactId: '1', email: ADA.email, erpPartnerId: id, shopCustomerId: null, mastodonAcct: null };
    expect(await adapter.read(links)).toEqual({
      externalId: id, marker: stamp, changedAt: epoch(stamp), linkedBy: 'STORED_ID', values: ADA_VALS,
      canonical: {
        displayName: 'Ada Lovelace', email: 'ada.lovelace@example.org', phone: '+4930901820',
        address: { line1: 'Unter den Linden 1', line2: null, city: 'Berlin', region: null, postalCode: '10117', country: 'DE' },
      },
    });
  });

  it('is safe to repeat: the same email, in any letter case, gives the same partner', async () => {
    const grace = { ...NOTHING, firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.org' };
    const first = await adapter.create(grace);
    const again = await adapter.create({ ...grace, email: 'Grace.Hopper@EXAMPLE.org' });
    expect(again).toBe(first);
    expect(odoo.counters()['POST /json/2/res.partner/create']).toBe(1);
    expect(await odooCall('res.partner', 'search_count', { domain: [['email', '=ilike', 'grace.hopper@example.org']] })).toBe(1);
  });

  it("returns the partner the ERP already has with that email instead of creating one", async () => {
    const partner = partnerOf(linkedContact(7));
    expect(await adapter.create({ ...ADA, email: String(partner.email).toUpperCase() })).toBe(String(partner.id));
    expect(odoo.counters()).toEqual({ 'POST /json/2/res.partner/search_read': 1 });
  });

  it("refuses a partner without a name with Odoo's message on one line", async () => {
    expect(await refusal(adapter.create(NOTHING))).toMatchObject({
      message: 'Odoo refused the change: The operation cannot be completed: - Create/update: a mandatory field is not set. - Model: res.partner, Field: name',
      extensions: { code: 'BAD_USER_INPUT', system: 'Odoo', status: 422 },
    });
  });
});

describe('sales orders', () => {
  const confirmed = dataset.odoo['sale.order'].filter((s) => s.state === 'sale'
    && dataset.odoo['sale.order'].filter((o) => o.client_order_ref === s.client_order_ref).length === 1);

  it('reads the sales order of a shop order, with the marker the read path reports', async () => {
    const sale = confirmed[0];
    const number = String(sale.client_order_ref);
    expect(await adapter.readSaleOrder(number)).toEqual({ externalId: String(sale.id), marker: sale.write_date, cancelled: false });
    expect(await erpVersion(number)).toBe(sale.write_date);
  });

  it('cancels it: state cancel, a new marker, which the read path reports too', async () => {
    const sale = confirmed[1];
    const number = String(sale.client_order_ref);
    const stamp = tick();
    await adapter.cancelSaleOrder(String(sale.id));
    expect(odoo.counters()).toEqual({ 'POST /json/2/sale.order/action_cancel': 1 });
    expect(await adapter.readSaleOrder(number)).toEqual({ externalId: String(sale.id), marker: stamp, cancelled: true });
    expect(await erpVersion(number)).toBe(stamp);
  });

  it('takes the newest sales order that is not cancelled when several carry the number', async () => {
    const sale = confirmed[2];
    const number = String(sale.client_order_ref);
    await adapter.cancelSaleOrder(String(sale.id));
    const stamp = tick();
    const [reentered] = await odooCall('sale.order', 'create', { vals_list: [{ partner_id: (sale.partner_id as [number, string])[0], client_order_ref: number, state: 'sale' }] });
    expect(await adapter.readSaleOrder(number)).toEqual({ externalId: String(reentered), marker: stamp, cancelled: false });
  });

  it('is null for a shop order the ERP does not have', async () => {
    expect(await adapter.readSaleOrder('#999999')).toBeNull();
  });

  it('answers NOT_FOUND when cancelling a sales order that does not exist', async () => {
    expect(await refusal(adapter.cancelSaleOrder('999999'))).toMatchObject({ extensions: { code: 'NOT_FOUND', system: 'Odoo' } });
  });
});
