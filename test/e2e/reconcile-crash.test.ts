/**
 * kill -9 of the sync service in the middle of a reconciliation pass: the next pass finishes the
 * work from the durable cursors, and no record is written twice.
 */
import { describe, expect, it } from 'vitest';
import { runSyncCli, syncPass } from '../support/sync-cli.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { odooPartner, shopifyCustomer, upstreamWrites } from './upstream-views.ts';
import { useStackWithSyncProcess } from '../support/sync-process.ts';

const { t, syncUrl, startSyncProcess } = await useStackWithSyncProcess();

describe('a reconciliation pass killed midway', () => {
  it('is finished by the next pass, and nothing is written twice', { timeout: 90_000 }, async () => {
    t.stack.standIns.hubspot.setWebhooksEnabled(false);
    t.stack.standIns.shopify.setWebhooksEnabled(false);
    const planted = new Set(t.stack.dataset.disagreements.map((d) => ('contactId' in d ? d.contactId : '')));
    const contacts = t.stack.dataset.hubspot.contacts
      .filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && !planted.has(c.id)).slice(0, 20);
    for (const [i, contact] of contacts.entries()) {
      const res = await fetch(`${t.stack.standIns.hubspot.url}/crm/v3/objects/contacts/${contact.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json' },
        body: JSON.stringify({ properties: { phone: `+44 20 7946 0${200 + i}` } }),
      });
      expect(res.status).toBe(200);
    }
    t.stack.resetUpstreamCounters();

    const doomed = await startSyncProcess({ SYNC_CRASH_POINT: 'mid-reconcile' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => doomed.once('exit', (_code, signal) => resolve(signal)));
    const killed = await runSyncCli(syncUrl);
    expect(await exited).toBe('SIGKILL');
    expect(killed.code).toBe(1);
    const writtenBefore = upstreamWrites(t.stack)['odoo POST /json/2/res.partner/write'] ?? 0;
    expect(writtenBefore).toBeGreaterThanOrEqual(10);
    expect(writtenBefore).toBeLessThan(20);

    await startSyncProcess({});
    const next = await syncPass(syncUrl);
    expect(next.status).toBe('DONE');
    // The outbox of the killed process and the new pass together: each record written once.
    await expect.poll(() => upstreamWrites(t.stack), { timeout: 10_000, interval: 100 })
      .toEqual({ 'odoo POST /json/2/res.partner/write': 20, 'shopify customerUpdate': 20 });
    for (const [i, contact] of contacts.entries()) {
      const e164 = `+4420794602${String(i).padStart(2, '0')}`;
      expect((await odooPartner(t.stack, Number(contact.properties.erp_partner_id))).phone).toBe(e164);
      expect((await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).defaultPhoneNumber.phoneNumber).toBe(e164);
    }
    // A further pass finds everything in step.
    const again = await syncPass(syncUrl);
    expect([again.stats.ERP.propagated, again.stats.COMMERCE.propagated]).toEqual([0, 0]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(upstreamWrites(t.stack)).toEqual({ 'odoo POST /json/2/res.partner/write': 20, 'shopify customerUpdate': 20 });
  });
});
