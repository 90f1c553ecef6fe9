import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { TOKEN, recordedContacts, withContacts } from './harness.ts';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
let clock: number;
let hubspot: StandIn;
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const get = async (path: string) => (await fetch(`${hubspot.url}/crm/v3/objects/contacts${path}`, { headers: auth })).json();
const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${hubspot.url}/crm/v3/objects/contacts${path}`, { method, headers: { ...auth, ...headers }, body: JSON.stringify(body) });
const historyOf = async (id: string, names: string) => (await get(`/${id}?propertiesWithHistory=${names}`)).propertiesWithHistory;

beforeEach(async () => {
  clock = NOW;
  hubspot = await startHubSpotStandIn({ dataset: withContacts(recordedContacts()), credential: TOKEN, now: () => clock });
});
afterEach(() => hubspot.close());

describe('HubSpot stand-in: property history', () => {
  it('starts each set property with one IMPORT entry at the contact’s creation, and an unset one with none', async () => {
    expect(await historyOf('112', 'firstname,state,nosuchproperty')).toEqual({
      firstname: [{ value: 'Donald', timestamp: '2024-05-08T16:58:37.000Z', sourceType: 'IMPORT' }],
      state: [],
    });
  });

  it('adds an entry, newest first, for each property a write changes, at the write’s time', async () => {
    clock = NOW + 5_000;
    expect((await send('PATCH', '/107', { properties: { phone: '+14155550199', city: 'Chicago', state: '' } })).status).toBe(200);
    expect(await historyOf('107', 'phone,city,state')).toEqual({
      phone: [
        { value: '+14155550199', timestamp: '2026-11-20T12:00:05.000Z', sourceType: 'API' },
        { value: '(415) 555-0114', timestamp: '2025-11-15T01:02:23.000Z', sourceType: 'IMPORT' },
      ],
      // The same value written again is no change.
      city: [{ value: 'Chicago', timestamp: '2025-11-15T01:02:23.000Z', sourceType: 'IMPORT' }],
      // A cleared value is an empty string.
      state: [
        { value: '', timestamp: '2026-11-20T12:00:05.000Z', sourceType: 'API' },
        { value: 'IL', timestamp: '2025-11-15T01:02:23.000Z', sourceType: 'IMPORT' },
      ],
    });
  });

  it('names the source the stand-in’s change-source header plays, e.g. a person in HubSpot', async () => {
    clock = NOW + 1_000;
    await send('PATCH', '/107', { properties: { lastname: 'Satō' } }, { 'x-standin-change-source': 'CRM_UI' });
    expect((await historyOf('107', 'lastname')).lastname[0]).toEqual({ value: 'Satō', timestamp: '2026-11-20T12:00:01.000Z', sourceType: 'CRM_UI' });
  });

  it('gives a created contact one API entry per property it was created with', async () => {
    const created = await (await send('POST', '', { properties: { email: 'new@example.com', firstname: 'Nia', lastname: '' } })).json();
    expect(await historyOf(created.id, 'email,firstname,lastname')).toEqual({
      email: [{ value: 'new@example.com', timestamp: '2026-11-20T12:00:00.000Z', sourceType: 'API' }],
      firstname: [{ value: 'Nia', timestamp: '2026-11-20T12:00:00.000Z', sourceType: 'API' }],
      lastname: [],
    });
  });

  it('returns histories from a batch read, at most 50 inputs then', async () => {
    const read = (count: number, withHistory: boolean) => send('POST', '/batch/read', {
      inputs: Array.from({ length: count }, (_, i) => ({ id: String(101 + i) })),
      properties: ['email'],
      ...(withHistory ? { propertiesWithHistory: ['email'] } : {}),
    });
    const answer = await (await read(2, true)).json();
    expect(answer.results.find((r: { id: string }) => r.id === '101').propertiesWithHistory.email).toEqual([
      { value: expect.any(String), timestamp: expect.any(String), sourceType: 'IMPORT' },
    ]);
    expect((await read(50, true)).status).toBe(207);
    const refused = await read(51, true);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      category: 'VALIDATION_ERROR',
      message: 'The maximum number of inputs supported in a batch request for property histories is 50. Please reduce the number of items and try again.',
    });
    expect((await read(51, false)).status).toBe(207);
  });

  it('leaves propertiesWithHistory out when none is asked for', async () => {
    expect(await get('/107?properties=email')).not.toHaveProperty('propertiesWithHistory');
  });
});
