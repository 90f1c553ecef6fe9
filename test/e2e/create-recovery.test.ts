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
  customer { id } sync { system status externalId message } } }`;

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

describe('createCustomer finished after its CRM create was lost', () => {
  it('finishes the create when it is sent again with the same key after HubSpot\'s answer was lost', async () => {
    const email = 'lin.halfway.lost@example.com';
    t.stack.standIns.hubspot.setSearchLag(SEARCH_LAG_MS);
    try {
      t.stack.resetUpstreamCounters();
      t.stack.standIns.hubspot.setFaults({ dropResponse: { endpoint: 'POST /crm/v3/objects/contacts' } });
      const variables = { input: input(email, '+33 6 12 34 70 02'), key: 'create-lost-answer-1' };
      const first = await t.gql(CREATE, variables);
      expect(first.body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      const made = (await hubspotContactByEmail(t.stack, email))!;
      expect(made.properties.shop_customer_id).toBeNull();

      const { body } = await t.gql(CREATE, variables);
      expect(body.errors).toBeUndefined();
      expect(body.data.createCustomer.sync.map((s: { system: string; status: string }) => [s.system, s.status])).toEqual([['CRM', 'APPLIED'], ['ERP', 'APPLIED'], ['COMMERCE', 'APPLIED']]);
      expect(body.data.createCustomer.sync[0].externalId).toBe(made.id);
      await expectOnceAndLinked(t.stack, email);
      // The same key once more: the stored answer, nothing written.
      t.stack.resetUpstreamCounters();
      expect((await t.gql(CREATE, variables)).body).toEqual(body);
      expect(upstreamWrites(t.stack)).toEqual({});
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

      await startSyncProcess({});
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
