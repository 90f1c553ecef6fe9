/**
 * The read subgraphs' record cache on the real stack: repeated reads within the TTL cost no upstream
 * call; a write through the gateway, a HubSpot webhook and a version conflict drop what they touch
 * before anyone can read it again; a read that fetched the old record before a write cannot store it
 * after; with the TTL at 0 every read goes upstream.
 */
import { describe, expect, it } from 'vitest';
import { useStack, type TestStack } from './harness.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { odooWritePartner, shopify } from './upstream-views.ts';
import { internalAuthHeader } from '../support/internal-token.ts';

// The gateway's answer cache off: these test the subgraphs' record caches below it (test/e2e/answer-cache.test.ts has it on).
const cached = useStack({ env: { GATEWAY_ANSWER_CACHE_TTL_MS: '0' } });
const uncached = useStack({ env: { CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0' } });

const VIEW = 'query($id: ID!) { customer(id: $id) { id name phone version } }';
const UPDATE = `mutation($id: ID!, $v: String!, $phone: String!) {
  updateCustomer(id: $id, expectedVersion: $v, input: { phone: $phone }) { customer { phone version } } }`;
const BATCH_READ = 'hubspot POST /crm/v3/objects/contacts/batch/read';

/** Fully linked contacts (CRM, ERP by stored id, shop by stored gid); each test takes its own. */
const linked = (t: TestStack, n: number) =>
  t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.country === 'France')[n];
const idOf = (contactId: string) => Buffer.from(`Customer:${contactId}`).toString('base64url');

/** `as` names the operation: reads named apart are never shared in flight by the gateway. */
async function view(t: TestStack, contactId: string, as = '') {
  const { body } = await t.gql(as ? VIEW.replace('query(', `query ${as}(`) : VIEW, { id: idOf(contactId) });
  expect(body.errors).toBeUndefined();
  return body.data.customer as { phone: string | null; version: string };
}

/** Upstream requests counted by the stand-ins since the last reset. */
const upstreamCalls = (t: TestStack) => Object.values(t.stack.upstreamCounters()).reduce((n, v) => n + v, 0);

describe('with the record cache (default TTL)', () => {
  it('answers repeated reads within the TTL without any upstream call, and counts hits and misses', async () => {
    const contact = linked(cached, 0);
    const first = await view(cached, contact.id);
    cached.stack.resetUpstreamCounters();
    for (let i = 0; i < 3; i++) expect(await view(cached, contact.id)).toEqual(first);
    expect(upstreamCalls(cached)).toBe(0);

    const metrics = await (await fetch(cached.stack.subgraphs.crm.url.replace(/graphql$/, 'metrics'))).text();
    const lookups = (result: string) => Number(metrics.split('\n')
      .find((line) => line.startsWith('subgraph_cache_lookups_total{') && line.includes('cache="crm_contact"') && line.includes(`result="${result}"`))?.split(' ').pop());
    expect(lookups('hit')).toBeGreaterThanOrEqual(3);
    expect(lookups('miss')).toBeGreaterThanOrEqual(1);
  });

  it('shows a write through the gateway to the very next read, and its new version', async () => {
    const contact = linked(cached, 1);
    const before = await view(cached, contact.id);
    await view(cached, contact.id);
    const written = await cached.gql(UPDATE, { id: idOf(contact.id), v: before.version, phone: '+33 6 11 22 33 01' });
    expect(written.body.errors).toBeUndefined();
    const after = await view(cached, contact.id);
    expect(after.phone).toBe('+33611223301');
    expect(after.version).toBe(written.body.data.updateCustomer.customer.version);
    expect(after.version).not.toBe(before.version);
    // And the version read from the cache is the one a write accepts.
    const again = await cached.gql(UPDATE, { id: idOf(contact.id), v: (await view(cached, contact.id)).version, phone: '+33 6 11 22 33 02' });
    expect(again.body.errors).toBeUndefined();
  });

  it('drops a contact when HubSpot\'s webhook about it arrives', async () => {
    const contact = linked(cached, 2);
    await view(cached, contact.id);
    cached.stack.resetUpstreamCounters();
    await view(cached, contact.id);
    expect(cached.stack.upstreamCounters()[BATCH_READ]).toBeUndefined();

    const res = await fetch(`${cached.stack.standIns.hubspot.url}/crm/v3/objects/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json', 'x-standin-change-source': 'CRM_UI' },
      body: JSON.stringify({ properties: { phone: '+33 6 11 22 33 03' } }),
    });
    expect(res.status).toBe(200);
    await cached.stack.standIns.hubspot.webhooksSettled();
    // (The inbox worker reads the contact too, to carry the change to the ERP and the shop.)
    await cached.stack.sync!.inbox.drain();
    cached.stack.resetUpstreamCounters();
    expect((await view(cached, contact.id)).phone).toBe('+33611223303');
    expect(cached.stack.upstreamCounters()[BATCH_READ]).toBeGreaterThan(0);
  });

  it('drops a shop customer when Shopify\'s webhook about it arrives', async () => {
    const contact = linked(cached, 5);
    const before = await view(cached, contact.id);
    expect(await view(cached, contact.id)).toEqual(before);
    await shopify(cached.stack, 'mutation($input: CustomerInput!) { customerUpdate(input: $input) { userErrors { message } } }',
      { input: { id: contact.properties.shop_customer_id, tags: ['edited-in-admin'] } });
    await cached.stack.standIns.shopify.webhooksSettled();
    // The shop customer's updatedAt is part of the version: the edit shows in it at once.
    expect((await view(cached, contact.id)).version).not.toBe(before.version);
  });

  it('refreshes what a conflicting version was read from: a partner edited in Odoo, which sends no webhook', async () => {
    const contact = linked(cached, 3);
    const stale = await view(cached, contact.id);
    await odooWritePartner(cached.stack, Number(contact.properties.erp_partner_id), { phone: '+33 6 11 22 33 04' });
    expect((await view(cached, contact.id)).version).toBe(stale.version);
    const refused = await cached.gql(UPDATE, { id: idOf(contact.id), v: stale.version, phone: '+33 6 11 22 33 06' });
    expect(refused.body.errors?.[0].extensions?.code).toBe('VERSION_CONFLICT');
    const current = refused.body.errors![0].extensions!.currentVersion;
    expect((await view(cached, contact.id)).version).toBe(current);
  });

  it('never stores a record fetched before a write once that write has dropped it', async () => {
    // A contact no test has read: not cached. A read fetches it; HubSpot answers 3 s late with what it held then.
    const contact = linked(cached, 4);
    const hubspot = cached.stack.standIns.hubspot;
    hubspot.resetCounters();
    hubspot.setFaults({ slowAnswer: { endpoint: 'POST /crm/v3/objects/contacts/batch/read', ms: 3000 } });
    let readDoneAt = 0;
    const slowRead = view(cached, contact.id).then((c) => { readDoneAt = Date.now(); return c; });
    await expect.poll(() => hubspot.counters()['POST /crm/v3/objects/contacts/batch/read'], { timeout: 2000, interval: 10 }).toBe(1);
    hubspot.setFaults({});
    // Meanwhile a write changes the phone (and drops the contact from the cache).
    const fresh = await view(cached, contact.id, 'Fresh');
    const written = await cached.gql(UPDATE, { id: idOf(contact.id), v: fresh.version, phone: '+33 6 11 22 33 09' });
    expect(written.body.errors).toBeUndefined();
    const writtenAt = Date.now();
    expect((await slowRead).phone).toBe(fresh.phone);
    expect(fresh.phone).not.toBe('+33611223309');
    expect(writtenAt).toBeLessThan(readDoneAt);
    // The late answer held the old phone; it was not kept.
    expect((await view(cached, contact.id)).phone).toBe('+33611223309');
  });

  it('shows a cancelled order\'s sales order as cancelled at once, though sales orders are cached by order number', async () => {
    const confirmed = new Set(cached.stack.dataset.odoo['sale.order'].filter((s) => s.state === 'sale').map((s) => s.client_order_ref));
    const { body } = await cached.gql('{ orders(first: 100) { edges { node { id number status } } } }');
    const order = body.data.orders.edges.map((e: any) => e.node).find((o: any) => o.status !== 'CANCELLED' && confirmed.has(o.number));
    const ORDER = 'query($id: ID!) { order(id: $id) { version fulfillment { status } } }';
    const first = (await cached.gql(ORDER, { id: order.id })).body.data.order;
    expect(first.fulfillment.status).not.toBe('CANCELLED');
    cached.stack.resetUpstreamCounters();
    expect((await cached.gql(ORDER, { id: order.id })).body.data.order).toEqual(first);
    expect(cached.stack.upstreamCounters()['odoo POST /json/2/sale.order/search_read']).toBeUndefined();

    const cancelled = await cached.gql('mutation($id: ID!, $v: String!) { cancelOrder(id: $id, expectedVersion: $v) { order { id } } }', { id: order.id, v: first.version });
    expect(cancelled.body.errors).toBeUndefined();
    expect((await cached.gql(ORDER, { id: order.id })).body.data.order.fulfillment.status).toBe('CANCELLED');
  });

  it('refuses an invalidation without the internal token', async () => {
    const route = cached.stack.subgraphs.crm.url.replace(/graphql$/, 'internal/record-invalidation');
    const body = JSON.stringify({ keys: [{ system: 'CRM', kind: 'contact', id: '1' }] });
    expect((await fetch(route, { method: 'POST', body })).status).toBe(401);
    expect((await fetch(route, { method: 'POST', body, headers: await internalAuthHeader('crm', []) })).status).toBe(204);
  });
});

describe('with the TTL at 0', () => {
  it('reads every record from the upstreams each time', async () => {
    const contact = linked(uncached, 0);
    await view(uncached, contact.id);
    uncached.stack.resetUpstreamCounters();
    await view(uncached, contact.id);
    const once = upstreamCalls(uncached);
    // The CRM twice (the customer, then its version with the other systems' markers), the ERP partner, the shop customer.
    expect(once).toBeGreaterThanOrEqual(4);
    await view(uncached, contact.id);
    expect(upstreamCalls(uncached)).toBe(2 * once);
  });
});
