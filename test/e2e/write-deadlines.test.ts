import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { ALL_SCOPES, devAuthHeader } from '../support/dev-token.ts';
import { hubspotContact, odooPartner, shopifyCustomer, upstreamWrites } from './upstream-views.ts';

// Each upstream call of a write may take 500 ms; a stand-in 1,000 ms slow is beyond that.
const t = useStack({ env: { SUBGRAPH_TIMEOUT_MS: '4000', SYNC_CALL_TIMEOUT_MS: '500', SYNC_LOCK_WAIT_MS: '500' } });

const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version } } } }`;
const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!, $key: String) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input, idempotencyKey: $key) { customer { id } sync { system status } writeId } }`;
const STATUS = `query($id: ID!) { writeStatus(id: $id) { id state sync { system status } } }`;
const SLOW = 1000;

function linkedContact(n: number) {
  return t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)[n];
}

async function read(email: string) {
  const { body } = await t.gql(READ, { email });
  return body.data.customers.edges[0].node;
}

const statuses = (payload: { sync: { system: string; status: string }[] }) => payload.sync.map((s) => `${s.system}:${s.status}`);
const ALL_APPLIED = ['CRM:APPLIED', 'ERP:APPLIED', 'COMMERCE:APPLIED'];

/** Resolves when `counter` of the HubSpot stand-in has grown past its value now. */
async function hubspotAnswered(counter: string): Promise<void> {
  const start = t.stack.standIns.hubspot.counters()[counter] ?? 0;
  while ((t.stack.standIns.hubspot.counters()[counter] ?? 0) === start) await new Promise((resolve) => setTimeout(resolve, 1));
}

async function timed<T>(work: Promise<T>): Promise<T & { ms: number }> {
  const started = Date.now();
  const result = await work;
  return { ...result, ms: Date.now() - started };
}

describe('writes within the gateway\'s deadline', () => {
  it('answers a CRM write that timed out as PENDING with a writeId, and the outbox applies it exactly once', async () => {
    const contact = linkedContact(0);
    const before = await read(contact.properties.email!);
    t.stack.resetUpstreamCounters();
    // The ERP and the shop answer slowly enough for the CRM to be made slow between the read and the write.
    t.stack.standIns.odoo.setFaults({ latencyMs: 150 });
    t.stack.standIns.shopify.setFaults({ latencyMs: 150 });
    let result;
    try {
      const answer = timed(t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Unanswered' }, key: 'deadline-lead' }));
      await hubspotAnswered('POST /crm/v3/objects/contacts/batch/read');
      t.stack.standIns.hubspot.setFaults({ latencyMs: SLOW });
      result = await answer;
    } finally {
      t.stack.standIns.odoo.setFaults({});
      t.stack.standIns.shopify.setFaults({});
    }
    expect(result.ms).toBeLessThan(4000);
    expect(result.body.errors).toBeUndefined();
    const payload = result.body.data.updateCustomer;
    expect(statuses(payload)).toEqual(['CRM:PENDING', 'ERP:PENDING', 'COMMERCE:PENDING']);
    expect(payload.writeId).toEqual(expect.any(String));
    // The stand-in applies the write it received once its latency is over.
    await new Promise((resolve) => setTimeout(resolve, SLOW));
    t.stack.standIns.hubspot.setFaults({});

    await expect.poll(async () => (await t.gql(STATUS, { id: payload.writeId })).body.data.writeStatus, { timeout: 8000, interval: 100 })
      .toEqual({ id: payload.writeId, state: 'DONE', sync: ALL_APPLIED.map((s) => ({ system: s.split(':')[0], status: 'APPLIED' })) });
    expect((await hubspotContact(t.stack, contact.id)).properties.lastname).toBe('Unanswered');
    expect((await odooPartner(t.stack, Number(contact.properties.erp_partner_id))).name).toBe(`${contact.properties.firstname} Unanswered`);
    expect((await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).lastName).toBe('Unanswered');
    // The CRM got the one request that timed out and nothing more: the outbox found it applied.
    // (The CRM's webhook may also carry the change to the others, so they are counted elsewhere.)
    expect(upstreamWrites(t.stack)['hubspot PATCH /crm/v3/objects/contacts/{id}']).toBe(1);

    const replay = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Unanswered' }, key: 'deadline-lead' });
    expect(statuses(replay.body.data.updateCustomer)).toEqual(ALL_APPLIED);
    expect(replay.body.data.updateCustomer.writeId).toBe(payload.writeId);
  });

  it('answers a shop too slow for the deadline with the other parts applied and the shop PENDING, then applied', async () => {
    const contact = linkedContact(1);
    const before = await read(contact.properties.email!);
    t.stack.standIns.shopify.setFaults({ latencyMs: SLOW });
    let result;
    try {
      result = await timed(t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Slowshop' }, key: 'deadline-shop' }));
    } finally {
      t.stack.standIns.shopify.setFaults({});
    }
    expect(result.ms).toBeLessThan(4000);
    const payload = result.body.data.updateCustomer;
    expect(statuses(payload)).toEqual(['CRM:APPLIED', 'ERP:APPLIED', 'COMMERCE:PENDING']);

    await expect.poll(async () => (await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).lastName, { timeout: 8000, interval: 100 }).toBe('Slowshop');
    await t.stack.sync!.worker.drain();
    expect((await t.gql(STATUS, { id: payload.writeId })).body.data.writeStatus.state).toBe('DONE');
    const replay = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Slowshop' }, key: 'deadline-shop' });
    expect(statuses(replay.body.data.updateCustomer)).toEqual(ALL_APPLIED);
  });

  it('answers "nothing was written" when the CRM is too slow to be read, and writes nothing anywhere', async () => {
    const contact = linkedContact(2);
    const before = await read(contact.properties.email!);
    t.stack.resetUpstreamCounters();
    t.stack.standIns.hubspot.setFaults({ latencyMs: SLOW });
    let result;
    try {
      result = await timed(t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Never' }, key: 'deadline-none' }));
    } finally {
      t.stack.standIns.hubspot.setFaults({});
    }
    expect(result.ms).toBeLessThan(4000);
    expect(result.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('Nothing was written.'), extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE' }) })]);
    await new Promise((resolve) => setTimeout(resolve, SLOW));
    await t.stack.sync!.worker.drain();
    expect(upstreamWrites(t.stack)).toEqual({});
    expect((await hubspotContact(t.stack, contact.id)).properties.lastname).not.toBe('Never');
  });

  it('shows a write\'s status only to the caller that made it', async () => {
    const contact = linkedContact(3);
    const before = await read(contact.properties.email!);
    const { body } = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Mine' } });
    const writeId = body.data.updateCustomer.writeId;
    expect((await t.gql(STATUS, { id: writeId })).body.data.writeStatus).toEqual({ id: writeId, state: 'DONE', sync: ALL_APPLIED.map((s) => ({ system: s.split(':')[0], status: 'APPLIED' })) });
    const other = await t.gql(STATUS, { id: writeId }, await devAuthHeader(ALL_SCOPES, { subject: 'someone-else' }));
    expect(other.body.data.writeStatus).toBeNull();
  });

  it('takes the deadline from the gateway only: a client\'s x-deadline-ms changes nothing', async () => {
    const contact = linkedContact(4);
    const before = await read(contact.properties.email!);
    const result = await t.gql(UPDATE, { id: before.id, v: before.version, input: { lastName: 'Unhurried' } }, { 'x-deadline-ms': '1' });
    expect(statuses(result.body.data.updateCustomer)).toEqual(ALL_APPLIED);
  });
});
