/**
 * The inbound loop with nothing simulated: someone edits a contact in HubSpot (the stand-in), HubSpot
 * sends its signed webhook, and the ERP partner and shop customer follow.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { hubspotContact, odooPartner, shopify, shopifyCustomer, upstreamWrites } from './upstream-views.ts';
import { DEV_CREDENTIALS, DEV_WEBHOOK_SECRETS } from '../../upstreams/stack.ts';
import { hubspotSignature } from '../../subgraphs/sync/webhooks/signatures.ts';

const t = useStack();

/** A person changing a contact in HubSpot's UI. */
async function editInHubSpot(contactId: string, properties: Record<string, string>): Promise<void> {
  const res = await fetch(`${t.stack.standIns.hubspot.url}/crm/v3/objects/contacts/${contactId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json', 'x-standin-change-source': 'CRM_UI' },
    body: JSON.stringify({ properties }),
  });
  expect(res.status).toBe(200);
}

const linked = (n: number) => t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.country === 'France')[n];

const PHONE_QUERY = 'query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { phone } } } }';

describe('a contact edited in HubSpot', () => {
  it('reaches the ERP partner and the shop customer within 2 seconds, and the gateway shows it', async () => {
    const contact = linked(0);
    const started = Date.now();
    await editInHubSpot(contact.id, { phone: '+33 6 98 76 54 01' });
    await expect.poll(async () => (await odooPartner(t.stack, Number(contact.properties.erp_partner_id))).phone, { timeout: 2000, interval: 50 }).toBe('+33698765401');
    await expect.poll(async () => (await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).defaultPhoneNumber?.phoneNumber, { timeout: 2000, interval: 50 }).toBe('+33698765401');
    console.log(`HubSpot edit → ERP and shop in ${Date.now() - started} ms`);
    const { body } = await t.gql(PHONE_QUERY, { email: contact.properties.email });
    expect(body.data.customers.edges[0].node.phone).toBe('+33698765401');
  });

  it('applies a webhook delivered twice once, and never lets an older event overwrite newer data', async () => {
    const contact = linked(1);
    const partnerId = Number(contact.properties.erp_partner_id);
    await editInHubSpot(contact.id, { phone: '+33 6 98 76 54 02' });
    await expect.poll(async () => (await odooPartner(t.stack, partnerId)).phone, { timeout: 2000, interval: 50 }).toBe('+33698765402');
    await t.stack.standIns.hubspot.webhooksSettled();
    await t.stack.sync!.inbox.drain();
    await t.stack.sync!.worker.drain();

    t.stack.resetUpstreamCounters();
    const deliveries = t.stack.standIns.hubspot.deliveries();
    const index = deliveries.findIndex((d) => d.request.body.includes(`"objectId":${contact.id}`) && d.request.body.includes('"phone"'));
    // The same delivery again, byte for byte but freshly timed (HubSpot re-signs its retries).
    const again = JSON.parse(deliveries[index].request.body);
    expect(await post(again)).toBe(200);
    // An event older than the one applied, with its own id: the CRM later says a phone changed, long ago.
    expect(await post([{ ...again[0], eventId: again[0].eventId + 1_000_000, occurredAt: again[0].occurredAt - 60_000 }])).toBe(200);
    await t.stack.sync!.inbox.drain();
    await t.stack.sync!.worker.drain();
    expect(upstreamWrites(t.stack)).toEqual({});
    expect((await odooPartner(t.stack, partnerId)).phone).toBe('+33698765402');
  });

  it('refuses a forged signature and a replayed timestamp older than 5 minutes with 401, and changes nothing', async () => {
    const contact = linked(2);
    const event = [{ eventId: 77_000_001, subscriptionId: 1, portalId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(contact.id), propertyName: 'phone', changeSource: 'CRM_UI' }];
    t.stack.resetUpstreamCounters();
    expect(await post(event, { secret: 'not-the-app-secret' })).toBe(401);
    expect(await post(event, { timestamp: Date.now() - 6 * 60_000 })).toBe(401);
    await t.stack.sync!.inbox.drain();
    expect(upstreamWrites(t.stack)).toEqual({});
    expect((await hubspotContact(t.stack, contact.id)).properties.phone).toBe(contact.properties.phone);
  });

  it('reports a phone edited in the shop as a discrepancy within 2 seconds of its webhook, without writing anything', async () => {
    const contact = linked(3);
    t.stack.resetUpstreamCounters();
    await shopify(t.stack, `mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }`,
      { input: { id: contact.properties.shop_customer_id, phone: '+33698765403' } });
    const id = Buffer.from(`Customer:${contact.id}`).toString('base64url');
    await expect.poll(async () => (await t.gql('query($id: ID!) { customer(id: $id) { discrepancies { kind system field sourceValue } } }', { id }))
      .body.data.customer.discrepancies, { timeout: 2000, interval: 50 })
      .toContainEqual({ kind: 'FIELD_MISMATCH', system: 'COMMERCE', field: 'phone', sourceValue: '+33698765403' });
    // The CRM is the master, but the shop changed last: nothing is overwritten.
    expect(upstreamWrites(t.stack)).toEqual({ 'shopify customerUpdate': 1 });
  });
});

/** Posts events to the sync subgraph's HubSpot receiver as HubSpot does (signed over method, URI, body, timestamp). */
async function post(events: unknown[], options: { secret?: string; timestamp?: number } = {}): Promise<number> {
  const url = t.stack.subgraphs.sync!.url.replace(/\/graphql$/, '/webhooks/hubspot');
  const body = JSON.stringify(events);
  const timestamp = String(options.timestamp ?? Date.now());
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature-v3': hubspotSignature(options.secret ?? DEV_WEBHOOK_SECRETS.hubspot, 'POST', url, body, timestamp) },
    body,
  });
  await res.text();
  return res.status;
}
