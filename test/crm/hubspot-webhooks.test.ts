import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubSpotStandIn, type HubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { hubspotSignatureV3 } from '../../upstreams/hubspot/webhooks.ts';
import { TOKEN, recordedContacts, withContacts } from './harness.ts';

const SECRET = 'dev-hubspot-app-secret';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A webhook target on port 0 that records every request and answers with `reply` (a hang never answers). */
let receiver: Server;
let received: Received[] = [];
let reply: (n: number) => number | 'hang' = () => 204;
let targetUrl = '';
/** Answers held back by a hanging receiver. */
let hung: ServerResponse[] = [];

let hubspot: HubSpotStandIn;
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${hubspot.url}/crm/v3/objects/contacts${path}`, { method, headers: { ...auth, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

const events = (r: Received) => JSON.parse(r.body) as Record<string, unknown>[];
const verifies = (r: Received) => r.headers['x-hubspot-signature-v3']
  === hubspotSignatureV3(SECRET, r.method, targetUrl, r.body, String(r.headers['x-hubspot-request-timestamp']));

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = reply(received.length);
      if (status === 'hang') hung.push(res);
      else res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  targetUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/hubspot`;
  hubspot = await startHubSpotStandIn({
    dataset: withContacts(recordedContacts()), credential: TOKEN,
    webhooks: { url: targetUrl, secret: SECRET, retryDelayMs: 20, timeoutMs: 2000 },
  });
});
afterAll(async () => {
  await hubspot.close();
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});
beforeEach(() => {
  received = [];
  hung = [];
  reply = () => 204;
  hubspot.setWebhooksEnabled(true);
});
afterEach(() => hubspot.webhooksSettled());

describe('HubSpot stand-in: webhooks', () => {
  it('sends one signed batch with one propertyChange event per changed property of a PATCH', async () => {
    const before = Date.now();
    const res = await send('PATCH', '/107', { properties: { firstname: 'Dennis', phone: '+1 415 555 0100', city: 'Kalamazoo' } });
    expect(res.status).toBe(200);
    const contact = await res.json();
    await hubspot.webhooksSettled();

    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/webhooks/hubspot');
    expect(request.headers['content-type']).toBe('application/json');
    const timestamp = Number(request.headers['x-hubspot-request-timestamp']);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(verifies(request)).toBe(true);
    const base = {
      eventId: expect.any(Number), subscriptionId: 2102, portalId: 62515, appId: 1160452,
      occurredAt: Date.parse(contact.updatedAt), subscriptionType: 'contact.propertyChange',
      attemptNumber: 0, objectId: 107, changeSource: 'INTEGRATION',
    };
    // firstname was already "Dennis": no event for it.
    expect(events(request)).toEqual([
      { ...base, propertyName: 'phone', propertyValue: '+1 415 555 0100' },
      { ...base, propertyName: 'city', propertyValue: 'Kalamazoo' },
    ]);
    const ids = events(request).map((e) => e.eventId);
    expect(new Set(ids).size).toBe(2);
  });

  it('does not verify with another secret or another URI', async () => {
    await send('PATCH', '/107', { properties: { city: 'Evanston' } });
    await hubspot.webhooksSettled();
    const [r] = received;
    const timestamp = String(r.headers['x-hubspot-request-timestamp']);
    expect(r.headers['x-hubspot-signature-v3']).not.toBe(hubspotSignatureV3('other-secret', 'POST', targetUrl, r.body, timestamp));
    expect(r.headers['x-hubspot-signature-v3']).not.toBe(hubspotSignatureV3(SECRET, 'POST', `${targetUrl}?x=1`, r.body, timestamp));
  });

  it('reports the change source a test gives, and clearing a property as an empty value', async () => {
    await send('PATCH', '/107', { properties: { city: '' } }, { 'x-standin-change-source': 'CRM_UI' });
    await hubspot.webhooksSettled();
    expect(events(received[0])).toEqual([expect.objectContaining({ propertyName: 'city', propertyValue: '', changeSource: 'CRM_UI' })]);
  });

  it('sends nothing for a write that changes no value, or a refused write', async () => {
    const current = await (await send('GET', '/107?properties=lastname')).json();
    await send('PATCH', '/107', { properties: { lastname: current.properties.lastname } });
    await send('PATCH', '/107', { properties: { email: 'not-an-email' } });
    await hubspot.webhooksSettled();
    expect(received).toEqual([]);
  });

  it('sends contact.creation on create and contact.deletion on delete', async () => {
    const created = await (await send('POST', '', { properties: { email: 'webhook.new@example.com', firstname: 'Web' } })).json();
    await hubspot.webhooksSettled();
    const deleted = await send('DELETE', `/${created.id}`);
    expect(deleted.status).toBe(204);
    await hubspot.webhooksSettled();
    expect(received.map(events)).toEqual([
      [expect.objectContaining({ subscriptionType: 'contact.creation', subscriptionId: 2101, objectId: Number(created.id), changeFlag: 'NEW', occurredAt: Date.parse(created.createdAt) })],
      [expect.objectContaining({ subscriptionType: 'contact.deletion', subscriptionId: 2103, objectId: Number(created.id), changeFlag: 'DELETED' })],
    ]);
    expect(received.every(verifies)).toBe(true);
    expect((await send('GET', `/${created.id}`)).status).toBe(404);
  });

  it('sends nothing while switched off, by method or over /__admin/webhooks', async () => {
    hubspot.setWebhooksEnabled(false);
    await send('PATCH', '/107', { properties: { city: 'Boston' } });
    hubspot.setWebhooksEnabled(true);
    const off = await fetch(`${hubspot.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    expect(await off.json()).toEqual({ enabled: false, configured: true, deliveries: expect.any(Number) });
    await send('PATCH', '/107', { properties: { city: 'Denver' } });
    await hubspot.webhooksSettled();
    expect(received).toEqual([]);
    await fetch(`${hubspot.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: true }) });
    await send('PATCH', '/107', { properties: { city: 'Austin' } });
    await hubspot.webhooksSettled();
    expect(received.map(events)).toEqual([[expect.objectContaining({ propertyValue: 'Austin' })]]);
  });

  it('answers the write without waiting for a receiver that hangs', async () => {
    reply = () => 'hang';
    const started = performance.now();
    const res = await send('PATCH', '/107', { properties: { city: 'Seattle' } });
    expect(res.status).toBe(200);
    // Answered while the receiver still holds the delivery (it times out after 2 s).
    expect(performance.now() - started).toBeLessThan(1500);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received).toHaveLength(1);
    expect(hubspot.deliveries().at(-1)).toMatchObject({ attempts: 1, status: null });
    for (const res of hung) res.writeHead(200).end();
  });

  it('retries on a 500 with attemptNumber counting up and a fresh signature, then stops', async () => {
    reply = (n) => (n < 3 ? 500 : 200);
    await send('PATCH', '/107', { properties: { city: 'Portland' } });
    await hubspot.webhooksSettled();
    expect(received.map((r) => events(r)[0].attemptNumber)).toEqual([0, 1, 2]);
    expect(new Set(received.map((r) => events(r)[0].eventId)).size).toBe(1);
    expect(received.every(verifies)).toBe(true);

    received = [];
    reply = () => 500;
    await send('PATCH', '/107', { properties: { city: 'Salem' } });
    await hubspot.webhooksSettled();
    expect(received).toHaveLength(4);
    expect(hubspot.deliveries().at(-1)).toMatchObject({ attempts: 4, status: 500 });
  });

  it('re-delivers a past delivery byte for byte', async () => {
    await send('PATCH', '/107', { properties: { city: 'Reno' } });
    await send('PATCH', '/107', { properties: { city: 'Tahoe' } });
    await hubspot.webhooksSettled();
    const all = hubspot.deliveries();
    const older = all.length - 2;
    expect(await hubspot.redeliver(older)).toBe(204);
    expect(received).toHaveLength(3);
    expect(received[2].body).toBe(received[0].body);
    expect(received[2].headers['x-hubspot-signature-v3']).toBe(received[0].headers['x-hubspot-signature-v3']);
    expect(events(received[2])[0]).toMatchObject({ propertyValue: 'Reno' });
  });
});
