import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCrmWriteAdapter } from '../../subgraphs/crm/write-adapter.ts';
import { crmSubgraph } from '../../subgraphs/crm/index.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import type { CustomerFields, CrmWriteAdapter } from '../../subgraphs/shared/write-adapter.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { changedValues } from '../../subgraphs/sync/writes/plan.ts';
import { applyPatch, normalizeCustomerInput, type CustomerInput } from '../../subgraphs/sync/writes/input.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';
import { CUSTOMER_ENTITIES, TOKEN, customerId, recordedContacts, withContacts } from './harness.ts';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
let clock: number;
let hubspot: StandIn;
let subgraph: RunningSubgraph;
let crm: CrmWriteAdapter;

beforeEach(async () => {
  clock = NOW;
  hubspot = await startHubSpotStandIn({ dataset: withContacts(recordedContacts()), credential: TOKEN, now: () => clock });
  const upstream = { baseUrl: hubspot.url, credential: TOKEN, timeoutMs: 2000 };
  subgraph = await startSubgraph(crmSubgraph({ hubspot: upstream, listen: TEST_LISTEN }), TEST_LISTEN);
  crm = createCrmWriteAdapter(upstream);
});
afterEach(async () => {
  await subgraph.close();
  await hubspot.close();
});

/** The CRM source's version as the read path reports it, through the subgraph over HTTP. */
async function readPathVersion(contactId: string): Promise<string> {
  const res = await fetch(subgraph.url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...(await internalAuthHeader('crm')) },
    body: JSON.stringify({ query: CUSTOMER_ENTITIES, variables: { representations: [{ __typename: 'Customer', id: customerId(contactId) }] } }),
  });
  const body = await res.json();
  expect(body.errors).toBeUndefined();
  return body.data._entities[0].sources[0].version;
}

/** The coded error a promise rejects with, as the message and extensions a client would see. */
async function failure(promise: Promise<unknown>): Promise<{ message: string; extensions: Record<string, unknown> }> {
  const error = await promise.then(() => null, (e: unknown) => e as { message: string; extensions: Record<string, unknown> });
  expect(error, 'the call should have failed').not.toBeNull();
  return { message: error!.message, extensions: { ...error!.extensions } };
}

const FULL: CustomerFields = {
  firstName: 'Ada', lastName: 'Lovelace', company: 'Analytical Engines', email: 'ada@example.com', phone: '+442079460958',
  address: { line1: '12 St James Sq', line2: 'Flat 3', city: 'London', region: 'LND', postalCode: 'SW1Y 4JH', country: 'GB' },
  lifecycleStage: 'MARKETING_QUALIFIED_LEAD',
};
const EMPTY: CustomerFields = { firstName: null, lastName: null, company: null, email: null, phone: null, address: null, lifecycleStage: null };
const ALL = Object.keys(FULL) as (keyof CustomerFields)[];

describe('CRM write adapter: reading a contact', () => {
  it('reads the contact with its stored values, its links, its canonical fields and its marker', async () => {
    expect(await crm.readContact('107')).toEqual({
      record: {
        externalId: '107', marker: '2026-01-05T09:30:51.000Z', changedAt: Date.parse('2026-01-05T09:30:51.000Z'), linkedBy: 'STORED_ID',
        values: {
          firstname: 'Dennis', lastname: 'Sato', company: '', email: 'dennis.sato6@example.com', phone: '(415) 555-0114',
          address: '500 Howard St', city: 'Chicago', state: 'IL', zip: '60607', country: 'United States of America', lifecyclestage: 'customer',
        },
        canonical: {
          firstName: 'Dennis', lastName: 'Sato', displayName: 'Dennis Sato', email: 'dennis.sato6@example.com', phone: '+14155550114',
          address: { line1: '500 Howard St', line2: null, city: 'Chicago', region: 'IL', postalCode: '60607', country: 'US' },
        },
      },
      links: {
        contactId: '107', email: 'dennis.sato6@example.com', erpPartnerId: '16',
        shopCustomerId: 'gid://shopify/Customer/7391006', mastodonAcct: 'dennis6@social.example',
      },
      fields: {
        firstName: 'Dennis', lastName: 'Sato', company: null, email: 'dennis.sato6@example.com', phone: '+14155550114',
        address: { line1: '500 Howard St', line2: null, city: 'Chicago', region: 'IL', postalCode: '60607', country: 'US', countryText: 'United States of America' },
        lifecycleStage: 'CUSTOMER',
      },
    });
  });

  it("gives the marker the read path reports as the CRM source's version", async () => {
    expect((await crm.readContact('114'))!.record.marker).toBe(await readPathVersion('114'));
  });

  it('reads the same record through the links', async () => {
    const contact = (await crm.readContact('101'))!;
    expect(await crm.read(contact.links)).toEqual(contact.record);
  });

  it('reads null for a contact that does not exist', async () => {
    expect(await crm.readContact('999')).toBeNull();
    expect(await crm.read({ contactId: '999', email: null, erpPartnerId: null, shopCustomerId: null, mastodonAcct: null })).toBeNull();
  });
});

describe('CRM write adapter: project', () => {
  it('maps every canonical field to HubSpot property strings, leaving out address line 2', async () => {
    expect(await crm.project(FULL, ALL)).toEqual({
      firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines', email: 'ada@example.com', phone: '+442079460958',
      address: '12 St James Sq', city: 'London', state: 'LND', zip: 'SW1Y 4JH', country: 'GB', lifecyclestage: 'marketingqualifiedlead',
    });
  });

  it('maps only the fields named, the address as all five of its properties', async () => {
    expect(await crm.project(FULL, ['lastName', 'address'])).toEqual({
      lastname: 'Lovelace', address: '12 St James Sq', city: 'London', state: 'LND', zip: 'SW1Y 4JH', country: 'GB',
    });
  });

  it('clears with empty strings', async () => {
    expect(await crm.project(EMPTY, ALL)).toEqual({
      firstname: '', lastname: '', company: '', email: '', phone: '', address: '', city: '', state: '', zip: '', country: '', lifecyclestage: '',
    });
  });
});

describe('CRM write adapter: update', () => {
  it('writes the changes, and the contact reads back changed with a new marker equal to the read path version', async () => {
    const before = (await crm.readContact('107'))!;
    clock = NOW + 5_000;
    await crm.update('107', await crm.project({ ...before.fields, firstName: 'Denise', lifecycleStage: 'EVANGELIST' }, ['firstName', 'lifecycleStage']));
    const after = (await crm.readContact('107'))!;
    expect(after.record).toEqual({
      ...before.record, marker: '2026-11-20T12:00:05.000Z', changedAt: NOW + 5_000,
      values: { ...before.record.values, firstname: 'Denise', lifecyclestage: 'evangelist' },
      canonical: { ...before.record.canonical, firstName: 'Denise', displayName: 'Denise Sato' },
    });
    expect(after.fields).toEqual({ ...before.fields, firstName: 'Denise', lifecycleStage: 'EVANGELIST' });
    expect(after.record.marker).toBe(await readPathVersion('107'));
  });

  it('clears the fields projected from null', async () => {
    await crm.update('114', await crm.project(EMPTY, ['company', 'phone', 'address']));
    const after = (await crm.readContact('114'))!;
    expect(after.fields).toMatchObject({ company: null, phone: null, address: null });
    expect(after.record.values).toMatchObject({ company: '', phone: '', address: '', city: '', state: '', zip: '', country: '' });
  });

  it('writes the E.164 phone over free text, and keeps a stored country text that still reads as the country', async () => {
    const before = (await crm.readContact('101'))!;
    await crm.update('101', await crm.project(before.fields, ['phone', 'address']));
    expect((await crm.readContact('101'))!.record.values).toMatchObject({ phone: '+33142685353', country: before.record.values.country });
  });

  it('writes the ISO code of a country set without its stored text', async () => {
    const before = (await crm.readContact('101'))!;
    await crm.update('101', await crm.project({ ...before.fields, address: { ...before.fields.address!, country: 'FR', countryText: null } }, ['address']));
    expect((await crm.readContact('101'))!.record.values).toMatchObject({ country: 'FR' });
  });

  it('sends nothing when there is nothing to change, so the marker stays', async () => {
    hubspot.resetCounters();
    await crm.update('107', {});
    expect(hubspot.totalRequests()).toBe(0);
  });

  it("refuses invalid values as BAD_USER_INPUT with HubSpot's reasons", async () => {
    expect(await failure(crm.update('107', { email: 'not-an-email', lifecyclestage: 'prospect' }))).toEqual({
      message: 'HubSpot refused the change: Email address not-an-email is invalid; prospect was not one of the allowed options: '
        + '[subscriber, lead, marketingqualifiedlead, salesqualifiedlead, opportunity, customer, evangelist, other]',
      extensions: { code: 'BAD_USER_INPUT', system: 'HubSpot', properties: ['email', 'lifecyclestage'] },
    });
  });

  it('refuses an email that belongs to another contact as a CONFLICT that does not say whose', async () => {
    expect(await failure(crm.update('107', { email: 'HOOLI38@example.com' }))).toEqual({
      message: 'HubSpot refused the change: a contact with this email already exists.',
      extensions: { code: 'CONFLICT', system: 'HubSpot' },
    });
  });

  it('answers an unknown contact with NOT_FOUND', async () => {
    expect(await failure(crm.update('999', { city: 'Nowhere' }))).toEqual({
      message: 'HubSpot has no contact 999.', extensions: { code: 'NOT_FOUND', system: 'HubSpot' },
    });
  });
});

describe('CRM write adapter: a partial address patch', () => {
  /** What updateCustomer writes to the CRM for `input`: the patch over the contact's fields, projected and diffed. */
  async function writePatch(contactId: string, input: CustomerInput) {
    const before = (await crm.readContact(contactId))!;
    const patch = normalizeCustomerInput(input, before.fields);
    const changes = changedValues(before.record.values, await crm.project(applyPatch(before.fields, patch), ['address']));
    await crm.update(contactId, changes);
    return { changes, after: (await crm.readContact(contactId))! };
  }

  for (const stored of ['Deutschland', 'Narnia', 'Niemcy']) {
    it(`changes only the city, keeping the stored country text "${stored}"`, async () => {
      await crm.update('107', { country: stored });
      const { changes, after } = await writePatch('107', { address: { city: 'Köln' } });
      expect(changes).toEqual({ city: 'Köln' });
      expect(after.record.values).toMatchObject({ city: 'Köln', country: stored });
      expect(after.fields.address).toMatchObject({ city: 'Köln', countryText: stored, country: stored === 'Narnia' ? null : 'DE' });
    });
  }

  it('writes the ISO code when the patch sets the country, and clears it when the patch clears it', async () => {
    await crm.update('107', { country: 'Narnia' });
    expect((await writePatch('107', { address: { country: 'Deutschland' } })).after.record.values).toMatchObject({ country: 'DE' });
    await crm.update('107', { country: 'Narnia' });
    expect((await writePatch('107', { address: { country: null } })).after.record.values).toMatchObject({ country: '' });
  });
});

describe('CRM write adapter: create and find by email', () => {
  it('creates a contact from the non-empty properties and returns its id', async () => {
    const id = await crm.create({ ...FULL, company: null });
    expect(id).toBe('163');
    const created = (await crm.readContact(id))!;
    expect(created.record.values).toEqual({
      firstname: 'Ada', lastname: 'Lovelace', company: '', email: 'ada@example.com', phone: '+442079460958',
      address: '12 St James Sq', city: 'London', state: 'LND', zip: 'SW1Y 4JH', country: 'GB', lifecyclestage: 'marketingqualifiedlead',
    });
    expect(created.fields).toEqual({ ...FULL, company: null, address: { ...FULL.address!, line2: null, countryText: 'GB' } });
  });

  it('refuses an email that exists, in any letter case, as a CONFLICT that does not say whose', async () => {
    expect(await failure(crm.create({ ...FULL, email: 'Dennis.Sato6@Example.com' }))).toEqual({
      message: 'HubSpot refused the change: a contact with this email already exists.',
      extensions: { code: 'CONFLICT', system: 'HubSpot' },
    });
  });

  it('names the contact that has the email when asked to create it again, from HubSpot\'s 409, without creating one', async () => {
    const first = await crm.createContact(FULL);
    expect(first).toEqual({ contactId: '163', created: true });
    expect(await crm.createContact({ ...FULL, email: 'ADA@example.com' })).toEqual({ contactId: '163', created: false });
    expect(await crm.createContact({ ...FULL, email: 'Dennis.Sato6@Example.com' })).toEqual({ contactId: '107', created: false });
  });

  it('finds a contact id by email in any letter case, and null for an unknown email', async () => {
    expect(await crm.findContactIdByEmail(' DENNIS.sato6@example.COM ')).toBe('107');
    expect(await crm.findContactIdByEmail('nobody@example.com')).toBeNull();
  });
});

describe('CRM write adapter: storeLinks', () => {
  it('stores the ERP partner id and the shop customer gid on the contact', async () => {
    await crm.storeLinks('112', { erpPartnerId: '77', shopCustomerId: 'gid://shopify/Customer/7391999' });
    expect((await crm.readContact('112'))!.links).toEqual({
      contactId: '112', email: 'donald.hamilton11@example.com', erpPartnerId: '77',
      shopCustomerId: 'gid://shopify/Customer/7391999', mastodonAcct: 'donald11@social.example',
    });
  });

  it('writes only the links given', async () => {
    await crm.storeLinks('107', { shopCustomerId: 'gid://shopify/Customer/7391500' });
    expect((await crm.readContact('107'))!.links).toMatchObject({ erpPartnerId: '16', shopCustomerId: 'gid://shopify/Customer/7391500' });
    hubspot.resetCounters();
    await crm.storeLinks('107', {});
    expect(hubspot.totalRequests()).toBe(0);
  });
});

describe('CRM write adapter: HubSpot unavailable', () => {
  it('fails reads and writes with UPSTREAM_UNAVAILABLE, naming neither URL nor token', async () => {
    hubspot.setFaults({ down: true });
    for (const call of [() => crm.readContact('107'), () => crm.update('107', { city: 'Evanston' }), () => crm.findContactIdByEmail('a@example.com')]) {
      expect(await failure(call())).toEqual({ message: 'HubSpot is unreachable.', extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'HubSpot', outcomeUnknown: true } });
    }
  });

  it('fails a write with UPSTREAM_UNAVAILABLE when HubSpot rate limits it', async () => {
    hubspot.setFaults({ failStatus: 429 });
    expect(await failure(crm.create(FULL))).toEqual({
      message: 'HubSpot is unavailable (HTTP 429).', extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'HubSpot', status: 429, throttled: true },
    });
  });
});
