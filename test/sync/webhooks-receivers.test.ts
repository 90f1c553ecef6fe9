import { describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { odooPartner, shopifyCustomer, upstreamWrites } from '../e2e/upstream-views.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { hubspotSignature, shopifySignature } from '../../subgraphs/sync/webhooks/signatures.ts';
import type { InboxEvent, WebhookSource } from '../../subgraphs/sync/store/types.ts';

const t = useStack();

const HUBSPOT_SECRET = 'dev-hubspot-app-secret';
const SHOPIFY_SECRET = 'dev-shopify-webhook-secret';

const receiverUrl = (system: 'hubspot' | 'shopify') => t.stack.subgraphs.sync!.url.replace(/\/graphql$/, `/webhooks/${system}`);

let nextEventId = 9_000_000;

/** A HubSpot v3 thin event for a contact. */
function contactEvent(objectId: string, occurredAt: number, propertyName = 'phone', subscriptionType = 'contact.propertyChange') {
  return { eventId: nextEventId++, subscriptionId: 1, portalId: 62515, occurredAt, subscriptionType, attemptNumber: 0, objectId: Number(objectId), propertyName, changeSource: 'CRM' };
}

/** POSTs a batch as HubSpot does: signed over method + the URI posted to + body + timestamp. */
async function postHubSpot(events: unknown[], options: { timestamp?: number; secret?: string; body?: string } = {}) {
  const url = receiverUrl('hubspot');
  const body = options.body ?? JSON.stringify(events);
  const timestamp = String(options.timestamp ?? Date.now());
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': hubspotSignature(options.secret ?? HUBSPOT_SECRET, 'POST', url, body, timestamp),
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}

/** POSTs one Shopify webhook, signed over the raw body. */
async function postShopify(topic: string, eventId: string, payload: Record<string, unknown>, secret = SHOPIFY_SECRET) {
  const body = JSON.stringify(payload);
  const res = await fetch(receiverUrl('shopify'), {
    method: 'POST',
    headers: {
      'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': new Date().toISOString(), 'x-shopify-hmac-sha256': shopifySignature(secret, body),
    },
    body,
  });
  return { status: res.status, body: await res.json() };
}

const stored = (source: WebhookSource): Promise<InboxEvent[]> => t.stack.sync!.store.inboxEvents(source);
const storedById = async (source: WebhookSource, eventId: number | string) => (await stored(source)).filter((e) => e.eventId === String(eventId));

/** A fully linked contact no other test in this file touches. */
function linkedContact(n: number) {
  return t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)[20 + n];
}

/** Edits the contact in HubSpot directly, as a person in HubSpot's UI would. */
async function editHubSpotContact(id: string, properties: Record<string, string>) {
  const res = await fetch(`${t.stack.standIns.hubspot.url}/crm/v3/objects/contacts/${id}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  expect(res.status).toBe(200);
}

const hubspotReads = () => Object.entries(t.stack.upstreamCounters()).filter(([k, n]) => k.startsWith('hubspot') && n > 0);

describe('POST /webhooks/hubspot', () => {
  it('acknowledges a signed batch with 200 well within a second and stores every event', async () => {
    const contact = linkedContact(0);
    const events = [contactEvent(contact.id, Date.now() - 2000, 'lifecyclestage'), contactEvent(contact.id, Date.now() - 1000, 'hs_lead_status')];
    const started = performance.now();
    const res = await postHubSpot(events);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(res).toEqual({ status: 200, body: { accepted: 2, duplicates: 0 } });
    for (const e of events) {
      const [row] = await storedById('HUBSPOT', e.eventId);
      expect(row).toEqual(expect.objectContaining({ objectType: 'contact', objectId: contact.id, occurredAt: e.occurredAt, topic: 'contact.propertyChange' }));
      // The body as sent until the worker has processed it, which drops it.
      expect(row.payload).toEqual(row.status === 'PENDING' ? e : null);
    }
    expect((await t.stack.sync!.store.lastWebhookReceived()).HUBSPOT).toBeGreaterThanOrEqual(Date.now() - 5000);
  });

  it('acknowledges the same batch again with 200 and processes it only once', async () => {
    const contact = linkedContact(1);
    const events = [contactEvent(contact.id, Date.now() - 1000, 'phone')];
    expect((await postHubSpot(events)).body).toEqual({ accepted: 1, duplicates: 0 });
    await t.stack.sync!.inbox.drain();
    expect(await storedById('HUBSPOT', events[0].eventId)).toEqual([expect.objectContaining({ status: 'DONE', outcome: 'APPLIED', attempts: 1 })]);

    t.stack.resetUpstreamCounters();
    expect(await postHubSpot(events)).toEqual({ status: 200, body: { accepted: 0, duplicates: 1 } });
    await t.stack.sync!.inbox.drain();
    expect(await storedById('HUBSPOT', events[0].eventId)).toEqual([expect.objectContaining({ status: 'DONE', outcome: 'APPLIED', attempts: 1 })]);
    expect(hubspotReads()).toEqual([]);
  });

  it('refuses a forged signature with 401 and stores nothing', async () => {
    const before = (await t.stack.sync!.store.lastWebhookReceived()).HUBSPOT;
    const events = [contactEvent(linkedContact(2).id, Date.now())];
    const res = await postHubSpot(events, { secret: 'not-the-app-secret' });
    expect(res).toEqual({ status: 401, body: { error: 'The signature does not match.' } });
    expect(await storedById('HUBSPOT', events[0].eventId)).toEqual([]);
    expect((await t.stack.sync!.store.lastWebhookReceived()).HUBSPOT).toBe(before);
  });

  it('refuses a body changed after signing with 401', async () => {
    const events = [contactEvent(linkedContact(2).id, Date.now())];
    const url = receiverUrl('hubspot');
    const timestamp = String(Date.now());
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'x-hubspot-request-timestamp': timestamp, 'x-hubspot-signature-v3': hubspotSignature(HUBSPOT_SECRET, 'POST', url, '[]', timestamp) },
      body: JSON.stringify(events),
    });
    expect(res.status).toBe(401);
    expect(await storedById('HUBSPOT', events[0].eventId)).toEqual([]);
  });

  it('refuses a replayed request whose timestamp is older than 5 minutes with 401 and stores nothing, even when correctly signed', async () => {
    const events = [contactEvent(linkedContact(2).id, Date.now())];
    const res = await postHubSpot(events, { timestamp: Date.now() - 5 * 60 * 1000 - 1000 });
    expect(res).toEqual({ status: 401, body: { error: 'The request timestamp is more than 5 minutes away from now.' } });
    const future = await postHubSpot(events, { timestamp: Date.now() + 6 * 60 * 1000 });
    expect(future.status).toBe(401);
    expect(await storedById('HUBSPOT', events[0].eventId)).toEqual([]);
  });

  it('refuses a body over 1 MB with 413 and a signed body that is not a list of events with 400', async () => {
    expect((await postHubSpot([], { body: `[${' '.repeat(1024 * 1024)}]` })).status).toBe(413);
    expect(await postHubSpot([], { body: '{"eventId":1}' })).toEqual({ status: 400, body: { error: 'The body is not a list of HubSpot webhook events.' } });
  });

  it('propagates a phone edited in HubSpot to the ERP partner and the shop customer, without writing the CRM', async () => {
    const contact = linkedContact(3);
    const phone = '+33612349876';
    await editHubSpotContact(contact.id, { phone });
    t.stack.resetUpstreamCounters();
    expect((await postHubSpot([contactEvent(contact.id, Date.now(), 'phone')])).status).toBe(200);

    const partnerId = Number(contact.properties.erp_partner_id);
    await expect.poll(async () => (await odooPartner(t.stack, partnerId)).phone, { timeout: 2000, interval: 50 }).toBe(phone);
    await expect.poll(async () => (await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).defaultPhoneNumber?.phoneNumber, { timeout: 2000, interval: 50 }).toBe(phone);
    await t.stack.sync!.inbox.drain();
    expect(upstreamWrites(t.stack)).toEqual({ 'odoo POST /json/2/res.partner/write': 1, 'shopify customerUpdate': 1 });
  });

  it('writes nothing when the ERP partner and the shop customer already hold the CRM values', async () => {
    const contact = linkedContact(3);
    t.stack.resetUpstreamCounters();
    await postHubSpot([contactEvent(contact.id, Date.now(), 'firstname')]);
    await t.stack.sync!.inbox.drain();
    expect(upstreamWrites(t.stack)).toEqual({});
  });

  it('does not apply an older event that arrives after a newer one', async () => {
    const contact = linkedContact(4);
    const newer = contactEvent(contact.id, Date.now() - 1000, 'phone');
    const older = contactEvent(contact.id, Date.now() - 60_000, 'phone');
    await postHubSpot([newer]);
    await t.stack.sync!.inbox.drain();
    t.stack.resetUpstreamCounters();
    await postHubSpot([older]);
    await t.stack.sync!.inbox.drain();
    expect((await storedById('HUBSPOT', newer.eventId))[0]).toMatchObject({ status: 'DONE', outcome: 'APPLIED' });
    expect((await storedById('HUBSPOT', older.eventId))[0]).toMatchObject({ status: 'DONE', outcome: 'STALE' });
    expect(hubspotReads()).toEqual([]);
  });

  it('processes the events of one contact in the order they happened, whatever order they arrive in', async () => {
    const contact = linkedContact(5);
    const at = Date.now() - 10_000;
    const [first, second] = [contactEvent(contact.id, at, 'phone'), contactEvent(contact.id, at + 1000, 'email')];
    await postHubSpot([second, first]);
    await t.stack.sync!.inbox.drain();
    const [a, b] = [(await storedById('HUBSPOT', first.eventId))[0], (await storedById('HUBSPOT', second.eventId))[0]];
    expect([a.outcome, b.outcome]).toEqual(['APPLIED', 'APPLIED']);
    expect(a.processedAt!).toBeLessThanOrEqual(b.processedAt!);
    expect(await t.stack.sync!.store.appliedUpTo('HUBSPOT', 'contact', contact.id)).toBe(at + 1000);
  });

  it('stores a change of a field the CRM does not propagate and marks it done without effect', async () => {
    const contact = linkedContact(6);
    const event = contactEvent(contact.id, Date.now(), 'lifecyclestage');
    t.stack.resetUpstreamCounters();
    await postHubSpot([event]);
    await t.stack.sync!.inbox.drain();
    expect((await storedById('HUBSPOT', event.eventId))[0]).toMatchObject({ status: 'DONE', outcome: 'IGNORED' });
    expect(hubspotReads()).toEqual([]);
  });
});

describe('POST /webhooks/shopify', () => {
  const customerGid = () => linkedContact(7).properties.shop_customer_id!;
  const numericId = (gid: string) => Number(gid.split('/').pop());

  it('acknowledges customers/update, orders/updated and orders/cancelled with 200, stores them and marks them done', async () => {
    const updatedAt = '2026-11-20T09:15:00Z';
    expect(await postShopify('customers/update', 'evt-customer-1', { id: numericId(customerGid()), updated_at: updatedAt }))
      .toEqual({ status: 200, body: { accepted: 1, duplicates: 0 } });
    expect((await postShopify('orders/updated', 'evt-order-1', { id: 450789, updated_at: updatedAt })).status).toBe(200);
    expect((await postShopify('orders/cancelled', 'evt-order-2', { id: 450789, updated_at: '2026-11-20T09:16:00Z', cancelled_at: '2026-11-20T09:16:00Z' })).status).toBe(200);
    await t.stack.sync!.inbox.drain();
    expect(await storedById('SHOPIFY', 'evt-customer-1')).toEqual([expect.objectContaining({
      objectType: 'customer', objectId: String(numericId(customerGid())), occurredAt: Date.parse(updatedAt), topic: 'customers/update', status: 'DONE', outcome: 'APPLIED',
    })]);
    expect(await storedById('SHOPIFY', 'evt-order-2')).toEqual([expect.objectContaining({ objectType: 'order', topic: 'orders/cancelled', status: 'DONE' })]);
    expect((await t.stack.sync!.store.lastWebhookReceived()).SHOPIFY).toBeGreaterThanOrEqual(Date.now() - 5000);
  });

  it('acknowledges a redelivered event with 200 and stores it once', async () => {
    const payload = { id: 450790, updated_at: '2026-11-20T10:00:00Z' };
    await postShopify('orders/updated', 'evt-order-redelivered', payload);
    expect(await postShopify('orders/updated', 'evt-order-redelivered', payload)).toEqual({ status: 200, body: { accepted: 0, duplicates: 1 } });
    expect(await storedById('SHOPIFY', 'evt-order-redelivered')).toHaveLength(1);
  });

  it('refuses a wrong HMAC with 401 and stores nothing', async () => {
    const res = await postShopify('orders/updated', 'evt-forged', { id: 450791 }, 'not-the-secret');
    expect(res).toEqual({ status: 401, body: { error: 'The signature does not match.' } });
    expect(await storedById('SHOPIFY', 'evt-forged')).toEqual([]);
  });

  it('refuses a signed webhook without an event id with 400', async () => {
    const body = JSON.stringify({ id: 1 });
    const res = await fetch(receiverUrl('shopify'), {
      method: 'POST', headers: { 'x-shopify-topic': 'orders/updated', 'x-shopify-hmac-sha256': shopifySignature(SHOPIFY_SECRET, body) }, body,
    });
    expect(res.status).toBe(400);
  });
});
