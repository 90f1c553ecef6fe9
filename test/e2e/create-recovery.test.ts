/**
 * A createCustomer whose CRM create happened but was never recorded (the process killed right after
 * it; HubSpot's answer lost on the way back) is finished, not repeated, while HubSpot's search does
 * not list the new contact yet: the customer ends up exactly once in each system, linked by stored id.
 */
import type { ChildProcess } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStackWithSyncProcess } from '../support/sync-process.ts';
import { hubspotContactByEmail, odooPartnerCount, shopifyCustomerIdsByEmail, upstreamWrites } from './upstream-views.ts';
import type { TestStack } from './harness.ts';

const { t, startSyncProcess } = await useStackWithSyncProcess();
let running: ChildProcess;
beforeAll(async () => {
  running = await startSyncProcess({});
});

/** Kills the sync process and waits until its port is free for the next one. */
async function stop(child: ChildProcess) {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const CREATE = `mutation($input: CreateCustomerInput!, $key: String) { createCustomer(input: $input, idempotencyKey: $key) {
  customer { id } sync { system status externalId message } writeId } }`;

/** Longer than any test here: HubSpot's search never lists the new contact while it runs. */
const SEARCH_LAG_MS = 600_000;

const input = (email: string, phone: string) => ({ firstName: 'Lin', lastName: 'Halfway', email, phone, address: { line1: '5 Rue Neuve', city: 'Lyon', country: 'FR' } });

/** The customer exists once in each system, and the contact stores the ERP partner's and the shop customer's ids. */
async function expectOnceAndLinked(stack: TestStack['stack'], email: string) {
  const contact = (await hubspotContactByEmail(stack, email))!;
  const shopIds = await shopifyCustomerIdsByEmail(stack, email);
  expect(await odooPartnerCount(stack, email)).toBe(1);
  expect(shopIds).toHaveLength(1);
  expect(contact.properties.shop_customer_id).toBe(shopIds[0]);
  expect(contact.properties.erp_partner_id).toMatch(/^\d+$/);
  return contact;
}

const STATUS = `query($id: ID!) { writeStatus(id: $id) { id state sync { system status } } }`;
const ALL_APPLIED = [['CRM', 'APPLIED'], ['ERP', 'APPLIED'], ['COMMERCE', 'APPLIED']];
const statuses = (sync: { system: string; status: string }[]) => sync.map((s) => [s.system, s.status]);

/**
 * Sends a create whose CRM answer the test's fault loses: it is WRITE_PENDING with a writeId (nothing
 * else), writeStatus follows it to DONE, the customer is then once in each system and linked, and the
 * key replayed answers the created customer with every part APPLIED without writing anything.
 */
async function expectPendingThenFinished(email: string, phone: string, key: string, afterFirstAnswer = () => {}) {
  t.stack.resetUpstreamCounters();
  const variables = { input: input(email, phone), key };
  const first = await t.gql(CREATE, variables);
  afterFirstAnswer();
  expect(first.body.data?.createCustomer ?? null).toBeNull();
  expect(first.body.errors).toHaveLength(1);
  const extensions = first.body.errors![0].extensions!;
  const message = first.body.errors![0].message;
  expect(extensions).toEqual({ code: 'WRITE_PENDING', writeId: expect.any(String), serviceName: 'sync' });
  expect(message).toContain('accepted and is queued');
  // HubSpot made the contact (the outbox may already be sending it again, to be answered 409 and adopt it).
  expect(upstreamWrites(t.stack)['hubspot POST /crm/v3/objects/contacts']).toBeGreaterThanOrEqual(1);
  const made = (await hubspotContactByEmail(t.stack, email))!;

  await expect.poll(async () => (await t.gql(STATUS, { id: extensions.writeId })).body.data.writeStatus, { timeout: 15_000, interval: 100 })
    .toEqual({ id: extensions.writeId, state: 'DONE', sync: ALL_APPLIED.map(([system, status]) => ({ system, status })) });
  expect((await expectOnceAndLinked(t.stack, email)).id).toBe(made.id);

  t.stack.resetUpstreamCounters();
  const { body } = await t.gql(CREATE, variables);
  expect(body.errors).toBeUndefined();
  expect(statuses(body.data.createCustomer.sync)).toEqual(ALL_APPLIED);
  expect(body.data.createCustomer.sync[0].externalId).toBe(made.id);
  expect(body.data.createCustomer.customer.id).toEqual(expect.any(String));
  expect(body.data.createCustomer.writeId).toBe(extensions.writeId);
  expect(upstreamWrites(t.stack)).toEqual({});
}

describe('createCustomer finished after its CRM create was lost', () => {
  it('answers WRITE_PENDING with a writeId when HubSpot\'s answer to the create is lost, and the outbox finishes the customer', async () => {
    const email = 'lin.halfway.lost@example.com';
    t.stack.standIns.hubspot.setSearchLag(SEARCH_LAG_MS);
    try {
      t.stack.standIns.hubspot.setFaults({ dropResponse: { endpoint: 'POST /crm/v3/objects/contacts' } });
      await expectPendingThenFinished(email, '+33 6 12 34 70 02', 'create-lost-answer-1');
    } finally {
      t.stack.standIns.hubspot.setSearchLag(0);
      t.stack.standIns.hubspot.setFaults({});
    }
  });

  it('answers WRITE_PENDING, never a customer id, when HubSpot answers the create after the call\'s timeout', async () => {
    const email = 'lin.halfway.slow@example.com';
    t.stack.standIns.hubspot.setSearchLag(SEARCH_LAG_MS);
    try {
      // Longer than SYNC_CALL_TIMEOUT_MS (1,500 ms by default): HubSpot makes the contact, the answer comes too late.
      t.stack.standIns.hubspot.setFaults({ slowAnswer: { endpoint: 'POST /crm/v3/objects/contacts', ms: 2500 } });
      await expectPendingThenFinished(email, '+33 6 12 34 70 05', 'create-slow-answer-1', () => t.stack.standIns.hubspot.setFaults({}));
    } finally {
      t.stack.standIns.hubspot.setSearchLag(0);
      t.stack.standIns.hubspot.setFaults({});
    }
  });

  it('still refuses an email that belongs to another customer, even when HubSpot\'s search has not listed it yet', async () => {
    const email = 'lin.halfway.taken@example.com';
    const { body: firstBody } = await t.gql(CREATE, { input: input(email, '+33 6 12 34 70 03') });
    expect(firstBody.errors).toBeUndefined();
    t.stack.standIns.hubspot.setSearchLag(SEARCH_LAG_MS);
    try {
      t.stack.resetUpstreamCounters();
      const { body } = await t.gql(CREATE, { input: { ...input(email, '+33 6 12 34 70 04'), firstName: 'Someone' } });
      expect(body.errors![0].extensions).toMatchObject({ code: 'CONFLICT', field: 'input.email' });
      expect(body.errors![0].message).toBe('Field "input.email" already belongs to another customer.');
      expect(JSON.stringify(body)).not.toContain((await hubspotContactByEmail(t.stack, email))!.id);
      expect(upstreamWrites(t.stack)).toEqual({ 'hubspot POST /crm/v3/objects/contacts': 1 });
    } finally {
      t.stack.standIns.hubspot.setSearchLag(0);
    }
  });
  it('finishes the create from the outbox after a kill between the CRM create and the follower creates', async () => {
    const email = 'lin.halfway.crash@example.com';
    t.stack.standIns.hubspot.setSearchLag(SEARCH_LAG_MS);
    try {
      await stop(running);
      const doomed = await startSyncProcess({ SYNC_CRASH_POINT: 'after-crm-create' });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => doomed.once('exit', (_code, signal) => resolve(signal)));
      t.stack.resetUpstreamCounters();
      const { body } = await t.gql(CREATE, { input: input(email, '+33 6 12 34 70 01') });
      expect(await exited).toBe('SIGKILL');
      expect(body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', serviceName: 'sync' });
      expect(upstreamWrites(t.stack)).toEqual({ 'hubspot POST /crm/v3/objects/contacts': 1 });
      const made = (await hubspotContactByEmail(t.stack, email))!;

      running = await startSyncProcess({});
      await expect.poll(async () => (await hubspotContactByEmail(t.stack, email))?.properties.shop_customer_id ?? null, { timeout: 15_000, interval: 100 }).not.toBeNull();
      await expect.poll(async () => (await hubspotContactByEmail(t.stack, email))?.properties.erp_partner_id ?? null, { timeout: 15_000, interval: 100 }).not.toBeNull();
      expect((await expectOnceAndLinked(t.stack, email)).id).toBe(made.id);
      // The outbox's second POST got HubSpot's 409 naming the contact, and adopted it.
      expect(upstreamWrites(t.stack)).toMatchObject({ 'hubspot POST /crm/v3/objects/contacts': 2, 'odoo POST /json/2/res.partner/create': 1, 'shopify customerCreate': 1 });
    } finally {
      t.stack.standIns.hubspot.setSearchLag(0);
    }
  });

});
