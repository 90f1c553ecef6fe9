import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Dataset } from '../../upstreams/dataset/types.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { TOKEN, recordedContacts, withContacts } from './harness.ts';

const NOW = Date.parse('2026-11-20T12:00:00.000Z');
let hubspot: StandIn;
let dataset: Dataset;
let clock: number;
const send = (method: string, path: string, body: unknown) => fetch(`${hubspot.url}/crm/v3/objects/contacts${path}`, {
  method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
});
const read = async (id: string, properties: string) => (await fetch(`${hubspot.url}/crm/v3/objects/contacts/${id}?properties=${properties}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json();

beforeEach(async () => {
  clock = NOW;
  dataset = withContacts(recordedContacts());
  hubspot = await startHubSpotStandIn({ dataset, credential: TOKEN, now: () => clock });
});
afterEach(() => hubspot.close());

describe('HubSpot stand-in: creating contacts', () => {
  it('creates a contact with 201, a new id and both change markers at the current time', async () => {
    const res = await send('POST', '', { properties: { email: 'new@example.com', firstname: 'New', lifecyclestage: 'lead', date_of_birth: '1990-05-17' } });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({
      id: '163',
      properties: {
        email: 'new@example.com', firstname: 'New', lifecyclestage: 'lead', date_of_birth: '642902400000',
        createdate: '2026-11-20T12:00:00.000Z', lastmodifieddate: '2026-11-20T12:00:00.000Z', hs_object_id: '163',
      },
      createdAt: '2026-11-20T12:00:00.000Z',
      updatedAt: '2026-11-20T12:00:00.000Z',
      archived: false,
    });
    expect((await read('163', 'email')).properties.email).toBe('new@example.com');
  });

  it('refuses an email that exists, in any letter case, with 409 CONFLICT naming the existing id', async () => {
    const res = await send('POST', '', { properties: { email: 'Dennis.Sato6@Example.com' } });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: 'error', category: 'CONFLICT', message: 'Contact already exists. Existing ID: 107' });
  });

  it('refuses unknown properties, read-only ones and invalid values with 400 VALIDATION_ERROR', async () => {
    const res = await send('POST', '', { properties: { email: 'not-an-email', favourite_color: 'teal', lifecyclestage: 'prospect', hs_object_id: '5' } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.category).toBe('VALIDATION_ERROR');
    expect(body.message).toMatch(/^Property values were not valid: /);
    expect(body.errors.map((e: { code: string }) => e.code)).toEqual(['INVALID_EMAIL', 'PROPERTY_DOESNT_EXIST', 'INVALID_OPTION', 'READ_ONLY_VALUE']);
  });
});

describe('HubSpot stand-in: updating contacts', () => {
  it('updates properties and moves updatedAt and lastmodifieddate forward together', async () => {
    clock = NOW + 5_000;
    const res = await send('PATCH', '/107', { properties: { phone: '+1 415 555 0199', lifecyclestage: 'evangelist' } });
    expect(res.status).toBe(200);
    const record = await res.json();
    expect([record.updatedAt, record.properties.lastmodifieddate, record.properties.phone]).toEqual(['2026-11-20T12:00:05.000Z', '2026-11-20T12:00:05.000Z', '+1 415 555 0199']);
    expect((await read('107', 'lifecyclestage')).properties.lifecyclestage).toBe('evangelist');
  });

  it('clears a property written as an empty string', async () => {
    await send('PATCH', '/107', { properties: { company: 'Initech' } });
    await send('PATCH', '/107', { properties: { company: '' } });
    expect((await read('107', 'company')).properties.company).toBeNull();
  });

  it('gives every write a later marker, even within one millisecond', async () => {
    const first = await (await send('PATCH', '/107', { properties: { city: 'Chicago' } })).json();
    const second = await (await send('PATCH', '/107', { properties: { city: 'Evanston' } })).json();
    expect(Date.parse(second.updatedAt)).toBeGreaterThan(Date.parse(first.updatedAt));
  });

  it('updates by email with idProperty=email', async () => {
    const res = await send('PATCH', '/DENNIS.SATO6@example.com?idProperty=email', { properties: { zip: '60608' } });
    expect((await res.json()).id).toBe('107');
  });

  it('refuses an email that belongs to another contact with 409 CONFLICT', async () => {
    const res = await send('PATCH', '/107', { properties: { email: 'hooli38@example.com' } });
    expect(res.status).toBe(409);
    expect((await res.json()).message).toBe('Contact already exists. Existing ID: 139');
  });

  it('answers an unknown id with 404 OBJECT_NOT_FOUND', async () => {
    const res = await send('PATCH', '/999', { properties: { city: 'Nowhere' } });
    expect(res.status).toBe(404);
  });

  it('writes to its own copy, never to the dataset it was given', async () => {
    await send('PATCH', '/107', { properties: { city: 'Evanston' } });
    expect(dataset.hubspot.contacts.find((c) => c.id === '107')!.properties.city).toBe('Chicago');
  });
});
