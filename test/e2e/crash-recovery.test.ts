/**
 * kill -9 of the write orchestrator between the CRM write and the ERP write: after a restart on the
 * same database, the outbox completes the ERP and shop writes exactly once.
 */
import { describe, expect, it } from 'vitest';
import { hubspotContact, odooPartner, shopifyCustomer, upstreamWrites } from './upstream-views.ts';
import { useStackWithSyncProcess } from '../support/sync-process.ts';

const { t, startSyncProcess } = await useStackWithSyncProcess();

describe('a write orchestrator killed mid-update', () => {
  it('applies the ERP and shop writes exactly once after a restart', async () => {
    const contact = t.stack.dataset.hubspot.contacts.find((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)!;
    const { body: read } = await t.gql('query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version } } } }', { email: contact.properties.email });
    const { id, version } = read.data.customers.edges[0].node;

    const doomed = await startSyncProcess({ SYNC_CRASH_POINT: 'after-lead-write' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => doomed.once('exit', (_code, signal) => resolve(signal)));
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(`mutation($id: ID!, $v: String!) { updateCustomer(id: $id, expectedVersion: $v, input: { lastName: "Phoenix" }) { sync { system status } } }`, { id, v: version });
    expect(await exited).toBe('SIGKILL');
    expect(body.errors![0].extensions).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', serviceName: 'sync' });
    // The CRM was written; the ERP and the shop were not, yet.
    expect((await hubspotContact(t.stack, contact.id)).properties.lastname).toBe('Phoenix');
    expect(upstreamWrites(t.stack)).toEqual({ 'hubspot PATCH /crm/v3/objects/contacts/{id}': 1 });

    await startSyncProcess({});
    const partnerId = Number(contact.properties.erp_partner_id);
    await expect.poll(async () => (await odooPartner(t.stack, partnerId)).name, { timeout: 10_000, interval: 100 }).toBe(`${contact.properties.firstname} Phoenix`);
    await expect.poll(async () => (await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).lastName, { timeout: 10_000, interval: 100 }).toBe('Phoenix');
    // A few more worker ticks must not apply anything again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(upstreamWrites(t.stack)).toEqual({
      'hubspot PATCH /crm/v3/objects/contacts/{id}': 1,
      'odoo POST /json/2/res.partner/write': 1,
      'shopify customerUpdate': 1,
    });
  // Two sync processes start (each compiling with tsx) within the test: on a loaded machine, past the default 30 s.
  }, 90_000);
});
