import { afterEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset } from '../../upstreams/dataset/types.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { createCrmReconcileReader, type CrmReconcileReader } from '../../subgraphs/crm/reconcile-reader.ts';
import { masterFieldTimes } from '../../subgraphs/crm/field-times.ts';
import { TOKEN, recordedContacts, withContacts } from './harness.ts';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';
const SEARCH = 'POST /crm/v3/objects/contacts/search';

let hubspot: StandIn;
let clock = NOW;
afterEach(() => hubspot?.close());

async function start(dataset: Dataset): Promise<CrmReconcileReader> {
  clock = NOW;
  hubspot = await startHubSpotStandIn({ dataset, credential: TOKEN, now: () => clock });
  return createCrmReconcileReader({ baseUrl: hubspot.url, credential: TOKEN, timeoutMs: 5000 });
}

const patch = (id: string, properties: Record<string, string>, source?: string) => fetch(`${hubspot.url}/crm/v3/objects/contacts/${id}`, {
  method: 'PATCH',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...(source ? { 'x-standin-change-source': source } : {}) },
  body: JSON.stringify({ properties }),
});

describe('masterFieldTimes (pure)', () => {
  it('takes per field the newest timestamp among its properties, and 0 without history', () => {
    const version = (timestamp: string) => ({ value: 'x', timestamp, sourceType: 'API' });
    expect(masterFieldTimes({
      id: '1', createdAt: '', updatedAt: '', properties: {},
      propertiesWithHistory: {
        firstname: [version('2026-03-01T00:00:00.000Z'), version('2025-01-01T00:00:00.000Z')],
        zip: [version('2026-05-01T00:00:00.000Z')],
        country: [version('2026-02-01T00:00:00.000Z')],
        phone: [],
      },
    })).toEqual({ firstName: Date.parse('2026-03-01T00:00:00.000Z'), lastName: 0, email: 0, phone: 0, address: Date.parse('2026-05-01T00:00:00.000Z') });
  });
});

describe('CRM reconcile reader: masterFieldTimes', () => {
  it('gives each master field the time of its last change, the address that of any of its five properties', async () => {
    const reader = await start(withContacts(recordedContacts()));
    const created = Date.parse('2025-11-15T01:02:23.000Z');
    const imported = { firstName: created, lastName: created, email: created, phone: created, address: created };
    expect((await reader.masterFieldTimes(['107'])).get('107')).toEqual(imported);

    clock = NOW + 5_000;
    await patch('107', { zip: '60608' }, 'CRM_UI');
    clock = NOW + 9_000;
    await patch('107', { phone: '+13125550100', company: 'Acme' });
    expect((await reader.masterFieldTimes(['107', '999'])).get('107')).toEqual({ ...imported, address: NOW + 5_000, phone: NOW + 9_000 });
  });

  it('leaves out unknown contacts, and a field never set is 0', async () => {
    const reader = await start(withContacts(recordedContacts()));
    const times = await reader.masterFieldTimes(['112', '999']);
    expect([...times.keys()]).toEqual(['112']);
    // Contact 112 has no state, but its other address properties are set.
    expect(times.get('112')!.address).toBe(Date.parse('2024-05-08T16:58:37.000Z'));
  });

  it('asks for at most 50 contacts per batch read, as HubSpot allows with histories', async () => {
    const reader = await start(generateDataset({ customers: 120, orders: 0, products: 1 }));
    hubspot.resetCounters();
    const ids = Array.from({ length: 120 }, (_, i) => String(101 + i));
    const times = await reader.masterFieldTimes(ids);
    expect(times.size).toBe(120);
    expect(hubspot.counters()).toEqual({ [BATCH_READ]: 3 });
  });
});

describe('CRM reconcile reader: contactIdsLinkedTo', () => {
  const dataset = generateDataset({ customers: 300, orders: 0, products: 1 });
  const contacts = dataset.hubspot.contacts;
  const withErp = contacts.filter((c) => c.properties.erp_partner_id);
  const withShop = contacts.filter((c) => c.properties.shop_customer_id);

  it('finds the contacts storing a partner id or shop customer gid, or having an email in any letter case', async () => {
    const reader = await start(dataset);
    const [a, b, c] = [withErp[0], withShop[5], contacts[7]];
    const ids = await reader.contactIdsLinkedTo({
      erpPartnerIds: [a.properties.erp_partner_id!, '999999'],
      shopCustomerGids: [b.properties.shop_customer_id!.replace('Customer', 'CUSTOMER')],
      emails: [c.properties.email!.toUpperCase(), 'nobody@example.org'],
    });
    expect(ids).toEqual([a.id, b.id, c.id].sort((x, y) => Number(x) - Number(y)));
  });

  it('splits long lists into IN filters of 100 values, five filter groups to a query', async () => {
    const reader = await start(dataset);
    const real = contacts.slice(0, 3);
    const fake = (n: number) => Array.from({ length: n }, (_, i) => `nobody${i}@example.org`);
    hubspot.resetCounters();
    expect(await reader.contactIdsLinkedTo({ emails: [...fake(397), ...real.map((c) => c.properties.email!)], erpPartnerIds: fake(100) }))
      .toEqual(real.map((c) => c.id));
    expect(hubspot.counters()).toEqual({ [SEARCH]: 1 });
    hubspot.resetCounters();
    expect(await reader.contactIdsLinkedTo({ emails: [...fake(598), ...real.map((c) => c.properties.email!)] })).toEqual(real.map((c) => c.id));
    expect(hubspot.counters()).toEqual({ [SEARCH]: 2 });
  });

  it('pages through a query matching more than a page of contacts', async () => {
    const reader = await start(dataset);
    expect(await reader.contactIdsLinkedTo({ emails: contacts.map((c) => c.properties.email!) })).toEqual(contacts.map((c) => c.id));
  });

  it('asks nothing for nothing', async () => {
    const reader = await start(dataset);
    hubspot.resetCounters();
    expect(await reader.contactIdsLinkedTo({})).toEqual([]);
    expect(hubspot.totalRequests()).toBe(0);
  });
});
