import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { encodeVersion } from '../../subgraphs/shared/version.ts';
import { type CrmHarness, customerId, recordedContacts, startCrm, withContacts } from './harness.ts';

let crm: CrmHarness;
const contacts = recordedContacts();
/** The recorded contacts, most recently modified first. */
const BY_UPDATE = ['123', '114', '108', '127', '101', '107', '139', '112', '162'];

const PAGE = `query($first: Int, $after: String, $filter: CustomerFilter) {
  customers(first: $first, after: $after, filter: $filter) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
}`;
const page = async (variables: Record<string, unknown>) => (await crm.query(PAGE, variables)).data!.customers;
const contactIds = (connection: { edges: { node: { id: string } }[] }) =>
  connection.edges.map((e) => Buffer.from(e.node.id, 'base64url').toString().replace('Customer:', ''));

beforeAll(async () => {
  crm = await startCrm({ dataset: withContacts(contacts) });
});
afterAll(() => crm.close());
beforeEach(() => crm.standIn.resetCounters());

describe('Query.customer', () => {
  it('resolves a customer by id with every CRM field in canonical form', async () => {
    const answer = await crm.query(`query($id: ID!) { customer(id: $id) {
      id version name firstName lastName company email phone
      address { line1 line2 city region postalCode country } birthDate lifecycleStage createdAt updatedAt
      sources { system externalId version updatedAt linkedBy }
    } }`, { id: customerId('107') });
    expect(answer).toEqual({ data: { customer: {
      id: customerId('107'),
      version: encodeVersion({ CRM: '2026-01-05T09:30:51.000Z', ERP: null, COMMERCE: null }),
      name: 'Dennis Sato', firstName: 'Dennis', lastName: 'Sato', company: null,
      email: 'dennis.sato6@example.com', phone: '+14155550114',
      address: { line1: '500 Howard St', line2: null, city: 'Chicago', region: 'IL', postalCode: '60607', country: 'US' },
      birthDate: '1978-01-13', lifecycleStage: 'CUSTOMER',
      createdAt: '2025-11-15T01:02:23.000Z', updatedAt: '2026-01-05T09:30:51.000Z',
      sources: [{ system: 'CRM', externalId: '107', version: '2026-01-05T09:30:51.000Z', updatedAt: '2026-01-05T09:30:51.000Z', linkedBy: 'STORED_ID' }],
    } } });
    expect(crm.standIn.counters()).toEqual({ 'POST /crm/v3/objects/contacts/batch/read': 1 });
  });

  it('answers null for a malformed id, an id of another type and an unknown contact', async () => {
    for (const id of ['not an id!', Buffer.from('Order:107').toString('base64url'), customerId('999')]) {
      expect(await crm.query('query($id: ID!) { customer(id: $id) { id } }', { id })).toEqual({ data: { customer: null } });
    }
  });
});

describe('Query.customers', () => {
  it('lists customers most recently updated first, with one HubSpot search', async () => {
    const connection = await page({ first: 100 });
    expect(contactIds(connection)).toEqual(BY_UPDATE);
    expect(connection.pageInfo).toEqual({ hasNextPage: false, endCursor: connection.edges.at(-1).cursor });
    expect(crm.standIn.counters()).toEqual({ 'POST /crm/v3/objects/contacts/search': 1 });
  });

  it('pages through every customer without gaps or duplicates', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      const connection = await page({ first: 2, after });
      seen.push(...contactIds(connection));
      ({ hasNextPage, endCursor: after } = connection.pageInfo);
    }
    expect(seen).toEqual(BY_UPDATE);
  });

  it('resumes right after the edge whose cursor is passed', async () => {
    const first = await page({ first: 5 });
    expect(contactIds(await page({ first: 2, after: first.edges[1].cursor }))).toEqual(BY_UPDATE.slice(2, 4));
  });

  it('reports whether customers exist when asked for none', async () => {
    expect(await page({ first: 0 })).toEqual({ edges: [], pageInfo: { hasNextPage: true, endCursor: null } });
    expect(await page({ first: 0, filter: { email: 'nobody@example.com' } })).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('filters by email ignoring letter case', async () => {
    expect(contactIds(await page({ filter: { email: 'Hooli38@EXAMPLE.com' } }))).toEqual(['139']);
  });

  it('filters by lifecycle stage', async () => {
    expect(contactIds(await page({ filter: { lifecycleStage: 'MARKETING_QUALIFIED_LEAD' } }))).toEqual(['123', '139']);
  });

  it('filters by the last CRM change', async () => {
    expect(contactIds(await page({ filter: { updatedSince: '2026-05-01T07:41:55Z' } }))).toEqual(['123', '114', '108', '127']);
  });

  it('searches names, email and company', async () => {
    expect(contactIds(await page({ filter: { search: 'hamilton' } }))).toEqual(['114', '112']);
    expect(contactIds(await page({ filter: { search: 'Umbrella' } }))).toEqual(['162']);
  });

  it('combines filters', async () => {
    expect(contactIds(await page({ filter: { search: 'dennis', lifecycleStage: 'CUSTOMER', updatedSince: '2026-02-01T00:00:00.000Z' } }))).toEqual(['101']);
  });

  it('refuses `first` above 100, naming the argument', async () => {
    const answer = await crm.query(PAGE, { first: 101 });
    expect(answer.errors).toEqual([expect.objectContaining({ message: 'Argument "first" must be between 0 and 100: 101.', extensions: { code: 'BAD_USER_INPUT', argument: 'first' } })]);
  });

  it('refuses a cursor it did not issue, naming the argument', async () => {
    for (const after of ['garbage', Buffer.from('cursor:abc').toString('base64url')]) {
      const answer = await crm.query(PAGE, { after });
      expect(answer.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'after' });
    }
    expect(crm.standIn.totalRequests()).toBe(0);
  });
});
