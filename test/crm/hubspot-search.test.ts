import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubSpotContact } from '../../upstreams/dataset/types.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { createHubSpotClient } from '../../subgraphs/crm/client.ts';
import { TOKEN, recordedContacts, withContacts } from './harness.ts';

let hubspot: StandIn;
const search = async (body: unknown, on: StandIn = hubspot) => fetch(`${on.url}/crm/v3/objects/contacts/search`, {
  method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const ids = async (body: unknown, on?: StandIn) => ((await (await search({ limit: 200, ...(body as object) }, on)).json()).results as { id: string }[]).map((r) => r.id);
const filter = (propertyName: string, operator: string, value?: unknown, extra: object = {}) => ({ filterGroups: [{ filters: [{ propertyName, operator, value, ...extra }] }] });

/** Contacts 1000.. modified in seven distinct instants, so many share a lastmodifieddate. */
function synthetic(count: number): HubSpotContact[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.UTC(2026, 0, 1) + (i % 7) * 60_000).toISOString();
    const id = String(1000 + i);
    return { id, properties: { email: `c${i}@example.com`, createdate: at, lastmodifieddate: at, hs_object_id: id }, createdAt: at, updatedAt: at, archived: false };
  });
}

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ dataset: withContacts(recordedContacts()), credential: TOKEN });
});
afterAll(() => hubspot.close());

describe('HubSpot stand-in: search filters', () => {
  it('matches EQ on text ignoring letter case', async () => {
    expect(await ids(filter('email', 'EQ', 'DENNIS.SATO6@example.com'))).toEqual(['107']);
  });

  it('matches IN against lowercase values only, as HubSpot requires', async () => {
    expect(await ids(filter('shop_customer_id', 'IN', undefined, { values: ['gid://shopify/customer/7391006', 'gid://shopify/customer/7391022'] }))).toEqual(['107', '123']);
    expect(await ids(filter('shop_customer_id', 'IN', undefined, { values: ['gid://shopify/Customer/7391006'] }))).toEqual([]);
  });

  it('finds contacts with and without a property', async () => {
    expect(await ids(filter('erp_partner_id', 'NOT_HAS_PROPERTY'))).toEqual(['112', '123', '139']);
    expect(await ids(filter('date_of_birth', 'HAS_PROPERTY'))).toHaveLength(7);
  });

  it('compares datetimes given as epoch milliseconds or ISO strings', async () => {
    expect(await ids(filter('lastmodifieddate', 'GTE', String(Date.parse('2026-05-01T07:41:55.000Z'))))).toEqual(['108', '114', '123', '127']);
    expect(await ids(filter('lastmodifieddate', 'LT', '2025-07-01T00:00:00Z'))).toEqual(['112', '162']);
  });

  it('matches whole words with CONTAINS_TOKEN, wildcards included', async () => {
    expect(await ids(filter('company', 'CONTAINS_TOKEN', 'UMBRELLA'))).toEqual(['162']);
    expect(await ids(filter('company', 'CONTAINS_TOKEN', 'umbrel'))).toEqual([]);
    expect(await ids(filter('email', 'CONTAINS_TOKEN', '*@example.com'))).toHaveLength(9);
  });

  it('ORs filter groups and ANDs the filters within one', async () => {
    const lead = { propertyName: 'lifecyclestage', operator: 'EQ', value: 'lead' };
    const evangelist = { propertyName: 'lifecyclestage', operator: 'EQ', value: 'evangelist' };
    expect(await ids({ filterGroups: [{ filters: [lead] }, { filters: [evangelist] }] })).toEqual(['114', '162']);
    expect(await ids({ filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }, { propertyName: 'country', operator: 'EQ', value: 'france' }] }] })).toEqual(['101', '112']);
  });

  it('searches names, email, company and phone by word prefix with `query`', async () => {
    expect(await ids({ query: 'hamil' })).toEqual(['112', '114']);
    expect(await ids({ query: 'Stark' })).toEqual(['114']);
    expect(await ids({ query: 'dennis sato' })).toEqual(['107']);
    expect(await ids({ query: 'Dennis.Sato6@example.com' })).toEqual(['107']);
    expect(await ids({ query: '0190791' })).toEqual(['114']);
  });

  it('returns the requested properties, else the defaults', async () => {
    const body = await (await search({ ...filter('email', 'EQ', 'hooli38@example.com'), properties: ['company'] })).json();
    expect(body).toEqual({
      total: 1,
      results: [{
        id: '139', properties: { company: 'Hooli', createdate: '2024-07-07T19:19:47.000Z', hs_object_id: '139', lastmodifieddate: '2025-11-26T22:32:15.000Z' },
        createdAt: '2024-07-07T19:19:47.000Z', updatedAt: '2025-11-26T22:32:15.000Z', archived: false,
      }],
    });
  });
});

describe('HubSpot stand-in: search sorting and paging', () => {
  it('sorts by one property either way with missing values last', async () => {
    expect(await ids({ sorts: ['date_of_birth'] })).toEqual(['127', '108', '162', '107', '112', '123', '101', '114', '139']);
    expect(await ids({ sorts: [{ propertyName: 'date_of_birth', direction: 'DESCENDING' }] })).toEqual(['101', '123', '112', '107', '162', '108', '127', '114', '139']);
  });

  it('pages with `after` as an offset, breaking ties by id, without gaps or duplicates', async () => {
    const many = await startHubSpotStandIn({ dataset: withContacts(synthetic(450)), credential: TOKEN });
    try {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const body = await (await search({ sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }], limit: 200, after }, many)).json();
        expect(body.total).toBe(450);
        seen.push(...body.results.map((r: { id: string }) => r.id));
        after = body.paging?.next.after;
        pages++;
      } while (after);
      const expected = synthetic(450).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || Number(a.id) - Number(b.id)).map((c) => c.id);
      expect(pages).toBe(3);
      expect(seen).toEqual(expected);
    } finally {
      await many.close();
    }
  });

  it('reports the full total but stops paging at 10,000 results', async () => {
    const many = await startHubSpotStandIn({ dataset: withContacts(synthetic(10_050)), credential: TOKEN });
    try {
      const last = await (await search({ limit: 200, after: '9800' }, many)).json();
      expect([last.total, last.results.length, last.paging]).toEqual([10_050, 200, undefined]);
      const beyond = await search({ limit: 10, after: '10000' }, many);
      expect(beyond.status).toBe(400);
      expect((await beyond.json()).category).toBe('VALIDATION_ERROR');
    } finally {
      await many.close();
    }
  });

  it('refuses a limit above 200, a second sort and a sixth filter group', async () => {
    const group = { filters: [{ propertyName: 'email', operator: 'HAS_PROPERTY' }] };
    for (const body of [{ limit: 201 }, { sorts: ['email', 'city'] }, { filterGroups: Array(6).fill(group) }]) {
      const res = await search(body);
      expect(res.status).toBe(400);
      expect((await res.json()).category).toBe('VALIDATION_ERROR');
    }
  });
});

describe('the HubSpot client with hostile values', () => {
  const client = () => createHubSpotClient({ baseUrl: hubspot.url, credential: TOKEN, timeoutMs: 5000 });
  const hostile = ["' OR 1=1 --", '" OR email:*', '*', '*@example.com', '%', '_', ')(', '../', 'a\u0000b', 'x'.repeat(10_000)];

  it('never sends a contact id that is not a number, so no id can climb out of the contact path', async () => {
    hubspot.resetCounters();
    expect(await client().readContacts(['..', '../', '101/../102', '%2e%2e', '101 OR 1=1', ' 101', '', '101?archived=true'])).toEqual([]);
    await expect(client().updateContact('..', { firstname: 'Mallory' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(client().updateContact('../102', { firstname: 'Mallory' })).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    expect(hubspot.totalRequests()).toBe(0);
    expect((await client().readContacts(['107', '..'])).map((r) => r.id)).toEqual(['107']);
  });

  it('matches a hostile email filter only as the literal value, one search each', async () => {
    hubspot.resetCounters();
    for (const email of hostile) {
      expect((await client().pageContacts({ limit: 10, offset: 0, email })).results).toEqual([]);
      expect(await client().findByEmail(email)).toEqual([]);
    }
    expect(hubspot.totalRequests()).toBe(hostile.length * 2);
  });

  it('finds nothing for hostile text in lookups by stored value', async () => {
    expect(await client().findByShopCustomerIds(hostile)).toEqual([]);
    expect(await client().idsWithAnyValue([{ propertyName: 'email', values: hostile }])).toEqual([]);
  });
});
