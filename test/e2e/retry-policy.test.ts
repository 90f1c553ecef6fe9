/**
 * The outbox's retry policy per error, and the circuit breaker per system, over HTTP with the whole
 * stack: a 5xx is retried until applied, a refusal is final at once, a system that keeps failing is
 * left alone (no calls) until its cooldown has passed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { shopifyCustomer, upstreamWrites } from './upstream-views.ts';

const t = useStack({ env: { BREAKER_FAILURES: '3', BREAKER_COOLDOWN_MS: '2000' } });
// No CRM webhooks: their propagation to the shop would be writes of their own; these tests count the outbox's.
beforeAll(() => t.stack.standIns.hubspot.setWebhooksEnabled(false));

const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version } } } }`;
const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input) { sync { system status message } } }`;
const BREAKERS = '{ syncStatus { systems { system breaker } } }';

function linkedContact(n: number) {
  return t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)[n];
}

/** The customer's id and version as the API reads them. */
async function readCustomer(n: number): Promise<{ id: string; version: string }> {
  const { body } = await t.gql(READ, { email: linkedContact(n).properties.email });
  return body.data.customers.edges[0].node;
}

/** Updates a customer read before (faults set between read and write must not hit the read). */
async function write(node: { id: string; version: string }, input: Record<string, unknown>) {
  const result = await t.gql(UPDATE, { id: node.id, v: node.version, input });
  if (!result.body.data?.updateCustomer) throw new Error(`updateCustomer failed: ${result.text}`);
  const sync: { system: string; status: string; message: string | null }[] = result.body.data.updateCustomer.sync;
  return { statuses: Object.fromEntries(sync.map((s) => [s.system, s.status])), sync };
}

const shopBreaker = async () => (await t.gql(BREAKERS)).body.data.syncStatus.systems.find((s: { system: string }) => s.system === 'COMMERCE').breaker;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const freshPhone = (n: number) => `+33 6 98 76 ${String(10 + n).padStart(2, '0')} ${String(20 + n).padStart(2, '0')}`;

describe('retry policy', () => {
  it('FAILS a write the shop refuses as invalid at once and never sends it again', async () => {
    // Another shop customer's phone: Shopify refuses it ("has already been taken"), a refusal no retry can change.
    let taken: string | undefined;
    for (let n = 10; !taken; n++) taken = (await shopifyCustomer(t.stack, linkedContact(n).properties.shop_customer_id!)).defaultPhoneNumber?.phoneNumber;
    t.stack.resetUpstreamCounters();
    const { statuses, sync } = await write(await readCustomer(0), { phone: taken });
    expect(statuses, JSON.stringify(sync)).toEqual({ CRM: 'APPLIED', ERP: 'APPLIED', COMMERCE: 'FAILED' });
    await sleep(600); // longer than the harness's largest backoff (400 ms)
    await t.stack.sync!.worker.drain();
    expect(upstreamWrites(t.stack)['shopify customerUpdate']).toBe(1);
    expect(await shopBreaker()).toBe('CLOSED');
  });

  it('keeps a write the shop answered with HTTP 500 PENDING, and the outbox applies it once the shop recovers', async () => {
    t.stack.resetUpstreamCounters();
    const customer = await readCustomer(1);
    t.stack.standIns.shopify.setFaults({ failStatus: 500, count: 2 });
    const { statuses } = await write(customer, { phone: freshPhone(1) });
    expect(statuses).toEqual({ CRM: 'APPLIED', ERP: 'APPLIED', COMMERCE: 'PENDING' });
    const gid = linkedContact(1).properties.shop_customer_id!;
    await expect.poll(async () => (await shopifyCustomer(t.stack, gid)).defaultPhoneNumber?.phoneNumber, { timeout: 5000, interval: 100 }).toBe(freshPhone(1).replace(/ /g, ''));
    await t.stack.sync!.worker.drain();
    expect(upstreamWrites(t.stack)['shopify customerUpdate']).toBe(1);
  });
});

describe('circuit breaker', () => {
  it('opens after repeated failures (no calls while OPEN, shown in syncStatus) and closes once the shop answers again', async () => {
    t.stack.resetUpstreamCounters();
    const [first, second] = [await readCustomer(2), await readCustomer(3)];
    t.stack.standIns.shopify.setFaults({ failStatus: 503 });
    try {
      const { statuses } = await write(first, { phone: freshPhone(2) });
      expect(statuses.COMMERCE).toBe('PENDING');
      await expect.poll(shopBreaker, { timeout: 5000, interval: 50 }).toBe('OPEN');
      const calls = t.stack.standIns.shopify.totalRequests();
      await sleep(1000);
      expect(t.stack.standIns.shopify.totalRequests()).toBe(calls);
      expect(await shopBreaker()).toBe('OPEN');
      // A write accepted meanwhile does not call the shop either: its part waits in the outbox.
      expect((await write(second, { phone: freshPhone(3) })).statuses.COMMERCE).toBe('PENDING');
      expect(t.stack.standIns.shopify.totalRequests()).toBe(calls);
    } finally {
      t.stack.standIns.shopify.setFaults({});
    }
    await expect.poll(shopBreaker, { timeout: 6000, interval: 100 }).toBe('CLOSED');
    await expect.poll(() => upstreamWrites(t.stack)['shopify customerUpdate'], { timeout: 5000, interval: 100 }).toBe(2);
    await t.stack.sync!.worker.drain();
    expect(upstreamWrites(t.stack)['shopify customerUpdate']).toBe(2);
  });
});
