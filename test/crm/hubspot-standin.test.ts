import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { TOKEN, recordedContacts, withContacts } from './harness.ts';

let hubspot: StandIn;
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const get = (path: string, headers: Record<string, string> = auth) => fetch(`${hubspot.url}${path}`, { headers });
const post = (path: string, body: unknown) => fetch(`${hubspot.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

beforeAll(async () => {
  hubspot = await startHubSpotStandIn({ dataset: withContacts(recordedContacts()), credential: TOKEN });
});
afterAll(() => hubspot.close());
beforeEach(() => {
  hubspot.setFaults({});
  hubspot.resetCounters();
});

describe('HubSpot stand-in: authentication', () => {
  it('refuses a request without a token with 401 INVALID_AUTHENTICATION', async () => {
    const res = await get('/crm/v3/objects/contacts', {});
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      status: 'error',
      message: expect.stringContaining('Authentication credentials not found'),
      correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      category: 'INVALID_AUTHENTICATION',
    });
  });

  it('refuses a wrong token the same way', async () => {
    const res = await get('/crm/v3/objects/contacts/107', { authorization: 'Bearer pat-wrong' });
    expect(res.status).toBe(401);
    expect((await res.json()).category).toBe('INVALID_AUTHENTICATION');
    expect(hubspot.counters()).toEqual({ unauthenticated: 1 });
  });
});

describe('HubSpot stand-in: reading contacts', () => {
  it('lists contacts in id order and pages with the next id as `after`', async () => {
    const first = await (await get('/crm/v3/objects/contacts?limit=4')).json();
    expect(first.results.map((r: { id: string }) => r.id)).toEqual(['101', '107', '108', '112']);
    expect(first.paging.next.after).toBe('114');
    expect(first.paging.next.link).toMatch(/\/crm\/v3\/objects\/contacts\?limit=4&after=114$/);
    const last = await (await get('/crm/v3/objects/contacts?limit=100&after=139')).json();
    expect(last.results.map((r: { id: string }) => r.id)).toEqual(['139', '162']);
    expect(last.paging).toBeUndefined();
  });

  it('returns the default properties when none are asked for', async () => {
    const record = await (await get('/crm/v3/objects/contacts/107')).json();
    expect(record).toEqual({
      id: '107',
      properties: {
        createdate: '2025-11-15T01:02:23.000Z', email: 'dennis.sato6@example.com', firstname: 'Dennis',
        hs_object_id: '107', lastmodifieddate: '2026-01-05T09:30:51.000Z', lastname: 'Sato',
      },
      createdAt: '2025-11-15T01:02:23.000Z',
      updatedAt: '2026-01-05T09:30:51.000Z',
      archived: false,
    });
  });

  it('returns only the requested properties (unset ones as null, unknown names left out) beside the system ones', async () => {
    const record = await (await get('/crm/v3/objects/contacts/114?properties=phone,date_of_birth&properties=no_such_property')).json();
    expect(record.properties).toEqual({
      createdate: '2026-02-14T23:06:32.000Z', date_of_birth: null, hs_object_id: '114', lastmodifieddate: '2026-07-08T11:20:47.000Z', phone: '030 0190791',
    });
  });

  it('gets a contact by email, ignoring letter case, with idProperty=email', async () => {
    const record = await (await get('/crm/v3/objects/contacts/Dennis.Sato6%40EXAMPLE.com?idProperty=email')).json();
    expect(record.id).toBe('107');
  });

  it('answers an unknown id with 404 OBJECT_NOT_FOUND', async () => {
    const res = await get('/crm/v3/objects/contacts/999');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 'error', category: 'OBJECT_NOT_FOUND', context: { id: ['999'] } });
  });

  it('batch-reads contacts, each once, and lists missing ids under errors with 207', async () => {
    const res = await post('/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '139' }, { id: '998' }, { id: '107' }, { id: '139' }], properties: ['country'] });
    expect(res.status).toBe(207);
    const body = await res.json();
    expect(body.status).toBe('COMPLETE');
    expect(body.results.map((r: { id: string; properties: Record<string, string> }) => [r.id, r.properties.country])).toEqual([['107', 'United States of America'], ['139', 'GB']]);
    expect(body.numErrors).toBe(1);
    expect(body.errors).toEqual([{
      status: 'error', category: 'OBJECT_NOT_FOUND',
      message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
      context: { ids: ['998'] },
    }]);
  });

  it('answers a batch read that finds everything with 200 and no errors', async () => {
    const res = await post('/crm/v3/objects/contacts/batch/read', { inputs: [{ id: 'dennis.sato6@example.com' }], idProperty: 'email' });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.results.map((r: { id: string }) => r.id)).toEqual(['107']);
    expect(body.errors).toBeUndefined();
  });

  it('refuses a batch read of more than 100 inputs', async () => {
    const res = await post('/crm/v3/objects/contacts/batch/read', { inputs: Array.from({ length: 101 }, (_, i) => ({ id: String(i) })) });
    expect(res.status).toBe(400);
    expect((await res.json()).category).toBe('VALIDATION_ERROR');
  });

  it('hands out every property value as a string or null', async () => {
    const body = await (await post('/crm/v3/objects/contacts/search', { properties: ['date_of_birth', 'hs_object_id', 'erp_partner_id'], limit: 100 })).json();
    const values = body.results.flatMap((r: { properties: Record<string, unknown> }) => Object.values(r.properties));
    expect(values.every((v: unknown) => v === null || typeof v === 'string')).toBe(true);
  });
});

describe('HubSpot stand-in: counters and faults', () => {
  it('counts requests per route pattern', async () => {
    await get('/crm/v3/objects/contacts/107');
    await get('/crm/v3/objects/contacts/108');
    await post('/crm/v3/objects/contacts/batch/read', { inputs: [{ id: '107' }] });
    await post('/crm/v3/objects/contacts/search', {});
    expect(hubspot.counters()).toEqual({
      'GET /crm/v3/objects/contacts/{id}': 2,
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'POST /crm/v3/objects/contacts/search': 1,
    });
    expect(hubspot.totalRequests()).toBe(4);
  });

  it('answers with an injected failure status', async () => {
    hubspot.setFaults({ failStatus: 500, count: 1 });
    expect((await get('/crm/v3/objects/contacts/107')).status).toBe(500);
    expect((await get('/crm/v3/objects/contacts/107')).status).toBe(200);
  });

  it('with answerAfterMs, handles a request at once and answers it that long after it arrived, not that long after its work', async () => {
    hubspot.setFaults({ answerAfterMs: 300 });
    const sent = performance.now();
    const answered = get('/crm/v3/objects/contacts/107').then(async (res) => ({ status: res.status, afterMs: performance.now() - sent }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Counted (routed, its work done) while its answer still waits.
    expect(hubspot.counters()).toEqual({ 'GET /crm/v3/objects/contacts/{id}': 1 });
    const { status, afterMs } = await answered;
    expect(status).toBe(200);
    expect(afterMs).toBeGreaterThanOrEqual(295);
    // latencyMs waits before the work instead: nothing is counted until it has passed.
    hubspot.setFaults({ latencyMs: 300 });
    hubspot.resetCounters();
    const delayed = get('/crm/v3/objects/contacts/107');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(hubspot.counters()).toEqual({});
    expect((await delayed).status).toBe(200);
  });

  it('drops the connection when the system is down', async () => {
    hubspot.setFaults({ down: true });
    await expect(get('/crm/v3/objects/contacts/107')).rejects.toThrow();
  });
});
