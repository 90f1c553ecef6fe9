import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { HubSpotContact } from '../../upstreams/dataset/types.ts';
import { encodeVersion, UNAVAILABLE_MARKER, unavailableSystems } from '../../subgraphs/shared/version.ts';
import { unavailableSource, type SourceRecord } from '../../subgraphs/shared/sources.ts';
import { CUSTOMER_ENTITIES, ORDER_ENTITIES, type CrmHarness, customerId, startCrm } from './harness.ts';

const dataset = generateDataset();
const contacts = dataset.hubspot.contacts;
const gid = (id: number) => `gid://shopify/Customer/${id}`;
let crm: CrmHarness;

const customerRef = (contact: HubSpotContact, sources: Record<string, SourceRecord | null> = {}) => ({ __typename: 'Customer', id: customerId(contact.id), ...sources });
const orderRef = (shopCustomer: { id: string; email: string | null } | null) => ({ __typename: 'Order', id: 'T3JkZXI6MQ', shopCustomer });
const entities = async (query: string, representations: unknown[]) => {
  const answer = await crm.query(query, { representations });
  expect(answer.errors).toBeUndefined();
  return answer.data!._entities as any[];
};
/** Requests per endpoint while `run` runs. */
const cost = async (run: () => Promise<unknown>) => {
  crm.standIn.resetCounters();
  await run();
  return crm.standIn.counters();
};

beforeAll(async () => {
  crm = await startCrm({ dataset });
});
afterAll(() => crm.close());
beforeEach(() => crm.standIn.resetCounters());

describe('Customer.__resolveReference', () => {
  it('resolves N representations with one batch read, whether N is 10 or 50', async () => {
    for (const n of [10, 50]) {
      let resolved: any[] = [];
      const counters = await cost(async () => { resolved = await entities(CUSTOMER_ENTITIES, contacts.slice(0, n).map((c) => customerRef(c))); });
      expect(resolved.map((c) => c.id)).toEqual(contacts.slice(0, n).map((c) => customerId(c.id)));
      expect(counters).toEqual({ 'POST /crm/v3/objects/contacts/batch/read': 1 });
    }
  });

  it('reads at most 100 contacts per batch, as HubSpot allows', async () => {
    const counters = await cost(() => entities(CUSTOMER_ENTITIES, contacts.slice(0, 150).map((c) => customerRef(c))));
    expect(counters).toEqual({ 'POST /crm/v3/objects/contacts/batch/read': 2 });
  });

  it('answers null for representations of unknown contacts or foreign ids', async () => {
    const refs = [customerRef(contacts[0]), { __typename: 'Customer', id: customerId('424242') }, { __typename: 'Customer', id: '%%' }];
    expect((await entities(CUSTOMER_ENTITIES, refs)).map((c) => c?.id ?? null)).toEqual([customerId(contacts[0].id), null, null]);
  });

  it('lists the CRM contact first in sources, then the records the other subgraphs found', async () => {
    const contact = contacts[2];
    const erpSource: SourceRecord = { system: 'ERP', externalId: '12', version: '2026-03-01 10:00:00', updatedAt: '2026-03-01T10:00:00.000Z', linkedBy: 'STORED_ID' };
    const commerceSource: SourceRecord = { system: 'COMMERCE', externalId: 'gid://shopify/Customer/7391002', version: '2026-04-01T00:00:00Z', updatedAt: '2026-04-01T00:00:00.000Z', linkedBy: 'EMAIL_MATCH' };
    const [resolved] = await entities(CUSTOMER_ENTITIES, [customerRef(contact, { erpSource, commerceSource, socialSource: null })]);
    expect(resolved).toEqual({
      id: customerId(contact.id),
      name: `${contact.properties.firstname} ${contact.properties.lastname}`,
      version: encodeVersion({ CRM: contact.updatedAt, ERP: '2026-03-01 10:00:00', COMMERCE: '2026-04-01T00:00:00Z' }),
      sources: [
        { system: 'CRM', externalId: contact.id, version: contact.updatedAt, updatedAt: contact.updatedAt, linkedBy: 'STORED_ID' },
        erpSource,
        commerceSource,
      ],
    });
  });

  it('changes the version when any source record changes', async () => {
    const erp = (version: string): SourceRecord => ({ system: 'ERP', externalId: '10', version, updatedAt: null, linkedBy: 'STORED_ID' });
    const versions = (await entities(CUSTOMER_ENTITIES, [
      customerRef(contacts[0], { erpSource: erp('2026-01-01 00:00:00'), commerceSource: null }),
      customerRef(contacts[0], { erpSource: erp('2026-01-01 00:00:01'), commerceSource: null }),
      customerRef(contacts[0], { erpSource: null, commerceSource: null }),
    ])).map((c) => c.version);
    expect(new Set(versions).size).toBe(3);
  });

  it('leaves an unavailable source out of sources and marks it in version, with an error at each field', async () => {
    const contact = contacts[2];
    const erpSource: SourceRecord = { system: 'ERP', externalId: '12', version: '2026-03-01 10:00:00', updatedAt: '2026-03-01T10:00:00.000Z', linkedBy: 'STORED_ID' };
    const answer = await crm.query(CUSTOMER_ENTITIES, { representations: [
      customerRef(contact, { erpSource, commerceSource: unavailableSource('COMMERCE'), socialSource: unavailableSource('SOCIAL') }),
    ] });
    const [resolved] = answer.data!._entities as any[];
    expect(resolved.sources.map((s: SourceRecord) => s.system)).toEqual(['CRM', 'ERP']);
    expect(resolved.version).toBe(encodeVersion({ CRM: contact.updatedAt, ERP: '2026-03-01 10:00:00', COMMERCE: UNAVAILABLE_MARKER }));
    expect(resolved.version).not.toBe(encodeVersion({ CRM: contact.updatedAt, ERP: '2026-03-01 10:00:00', COMMERCE: null }));
    expect(unavailableSystems(resolved.version)).toEqual(['COMMERCE']);
    expect(answer.errors!.map((e) => [e.path, e.message, e.extensions])).toEqual([
      [['_entities', 0, 'version'], 'This version does not cover the commerce record, which could not be read.', { code: 'UPSTREAM_UNAVAILABLE', system: 'COMMERCE' }],
      [['_entities', 0, 'sources'], 'The commerce record could not be read; sources omits it.', { code: 'UPSTREAM_UNAVAILABLE', system: 'COMMERCE' }],
      [['_entities', 0, 'sources'], 'The social record could not be read; sources omits it.', { code: 'UPSTREAM_UNAVAILABLE', system: 'SOCIAL' }],
    ]);
  });
});

describe('Order.customer', () => {
  const linked = contacts.find((c) => c.properties.shop_customer_id)!;
  /** A shop customer that no contact stores: linkable by email only, written in another letter case. */
  const emailOnly = dataset.shopify.customers.find((s) => !contacts.some((c) => c.properties.shop_customer_id === gid(s.id)))!;
  const emailOnlyContact = contacts.find((c) => c.properties.email?.toLowerCase() === emailOnly.email?.toLowerCase())!;

  it('finds the contact that stores the shop customer id', async () => {
    const [order] = await entities(ORDER_ENTITIES, [orderRef({ id: linked.properties.shop_customer_id!, email: 'someone.else@example.com' })]);
    expect(order.customer.id).toBe(customerId(linked.id));
  });

  it('falls back to the email, ignoring letter case, for a contact that stores no shop id', async () => {
    expect(emailOnly.email).not.toBe(emailOnlyContact.properties.email);
    const [order] = await entities(ORDER_ENTITIES, [orderRef({ id: gid(emailOnly.id), email: emailOnly.email })]);
    expect(order.customer.id).toBe(customerId(emailOnlyContact.id));
  });

  it('does not match by email a contact that stores another shop customer', async () => {
    const [order] = await entities(ORDER_ENTITIES, [orderRef({ id: gid(1), email: linked.properties.email })]);
    expect(order.customer).toBeNull();
  });

  it('answers null when no contact matches or the order has no shop customer', async () => {
    const orders = await entities(ORDER_ENTITIES, [orderRef({ id: gid(2), email: 'nobody@example.com' }), orderRef({ id: gid(3), email: null }), orderRef(null)]);
    expect(orders).toEqual([{ customer: null }, { customer: null }, { customer: null }]);
  });

  it('resolves N orders with two searches, whether N is 10 or 50', async () => {
    const shopEmail = new Map(dataset.shopify.customers.map((s) => [s.id, s.email]));
    const refs = dataset.shopify.orders.filter((o) => o.customerId !== null)
      .map((o) => orderRef({ id: gid(o.customerId!), email: shopEmail.get(o.customerId!) ?? null }));
    const expected = (ref: ReturnType<typeof orderRef>) => {
      const contact = contacts.find((c) => c.properties.shop_customer_id === ref.shopCustomer!.id)
        ?? contacts.find((c) => !c.properties.shop_customer_id && c.properties.email?.toLowerCase() === ref.shopCustomer!.email?.toLowerCase());
      return contact ? customerId(contact.id) : null;
    };
    const costs = [];
    for (const n of [10, 50]) {
      let orders: any[] = [];
      costs.push(await cost(async () => { orders = await entities(ORDER_ENTITIES, refs.slice(0, n)); }));
      expect(orders.map((o) => o.customer?.id ?? null)).toEqual(refs.slice(0, n).map(expected));
    }
    // One search by stored shop id, one by email for the orders it left unmatched.
    expect(costs).toEqual([{ 'POST /crm/v3/objects/contacts/search': 2 }, { 'POST /crm/v3/objects/contacts/search': 2 }]);
  });
});
