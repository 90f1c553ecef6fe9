/**
 * Timestamp reconciliation and the discrepancy report, end to end: changes made directly in HubSpot
 * while webhooks are off, `npm run sync` (the CLI as a process) carrying them over, the dataset's
 * deliberate disagreements in Query.discrepancies, and resolving them through the gateway.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { hubspotContact, odooPartner, odooSaleOrder, odooWritePartner, odooWriteSaleOrder, shopifyCustomer, upstreamWrites } from './upstream-views.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { syncPass } from '../support/sync-cli.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { internalAuthHeader } from '../support/internal-token.ts';
import type { DeliberateDisagreement } from '../../upstreams/dataset/types.ts';

const auditPath = join(mkdtempSync(join(tmpdir(), 'reconcile-audit-')), 'audit.db');
const t = useStack({ env: { AUDIT_DB_PATH: auditPath } });
const syncUrl = () => t.stack.subgraphs.sync!.url;

async function editInHubSpot(contactId: string, properties: Record<string, string>): Promise<void> {
  const res = await fetch(`${t.stack.standIns.hubspot.url}/crm/v3/objects/contacts/${contactId}`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
  });
  expect(res.status).toBe(200);
}

const DISCREPANCIES = `query($after: String, $resolved: Boolean) {
  discrepancies(first: 100, after: $after, resolved: $resolved) {
    edges { node { id kind system field canonicalValue sourceValue detectedAt resolvedAt resolution customer { id } order { id } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

interface DiscrepancyNode {
  id: string; kind: string; system: string; field: string | null; canonicalValue: string | null; sourceValue: string | null;
  detectedAt: string; resolvedAt: string | null; resolution: string | null; customer: { id: string } | null; order: { id: string } | null;
}

async function allDiscrepancies(resolved: boolean | null = false): Promise<DiscrepancyNode[]> {
  const out: DiscrepancyNode[] = [];
  let after: string | null = null;
  do {
    const { body } = await t.gql(DISCREPANCIES, { after, resolved });
    expect(body.errors).toBeUndefined();
    out.push(...body.data.discrepancies.edges.map((e: { node: DiscrepancyNode }) => e.node));
    after = body.data.discrepancies.pageInfo.hasNextPage ? body.data.discrepancies.pageInfo.endCursor : null;
  } while (after);
  return out;
}

const customerId = (contactId: string) => Buffer.from(`Customer:${contactId}`).toString('base64url');
const orderId = (shopOrderId: number) => Buffer.from(`Order:${shopOrderId}`).toString('base64url');

/** Contacts linked to both systems by stored id that the generator left in agreement. */
function agreeingContacts() {
  const planted = new Set(t.stack.dataset.disagreements.map((d) => ('contactId' in d ? d.contactId : '')));
  return t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && !planted.has(c.id));
}

describe('reconciliation over HTTP', () => {
  let changed: ReturnType<typeof agreeingContacts>;
  const phoneOf = (i: number) => `+44 20 7946 0${String(100 + i)}`;
  const e164Of = (i: number) => `+4420794601${String(i).padStart(2, '0')}`;

  beforeAll(async () => {
    t.stack.standIns.hubspot.setWebhooksEnabled(false);
    t.stack.standIns.shopify.setWebhooksEnabled(false);
    changed = agreeingContacts().slice(0, 20);
  });

  it('carries 20 contacts changed directly in HubSpot with webhooks off to the ERP and shop, with matching counts; a second run changes nothing', async () => {
    for (const [i, contact] of changed.entries()) await editInHubSpot(contact.id, { phone: phoneOf(i) });
    t.stack.resetUpstreamCounters();

    const first = await syncPass(syncUrl());
    expect(first.status).toBe('DONE');
    expect(first.stats.CRM.read).toBe(t.stack.dataset.hubspot.contacts.length);
    expect(first.stats.ERP.propagated).toBe(20);
    expect(first.stats.COMMERCE.propagated).toBe(20);
    expect(first.stats.CRM.propagated).toBe(0);
    expect(upstreamWrites(t.stack)).toEqual({ 'odoo POST /json/2/res.partner/write': 20, 'shopify customerUpdate': 20 });
    for (const [i, contact] of changed.entries()) {
      expect((await odooPartner(t.stack, Number(contact.properties.erp_partner_id))).phone).toBe(e164Of(i));
      expect((await shopifyCustomer(t.stack, contact.properties.shop_customer_id!)).defaultPhoneNumber.phoneNumber).toBe(e164Of(i));
    }

    t.stack.resetUpstreamCounters();
    const second = await syncPass(syncUrl());
    expect(second.status).toBe('DONE');
    expect([second.stats.CRM.propagated, second.stats.ERP.propagated, second.stats.COMMERCE.propagated]).toEqual([0, 0, 0]);
    expect(second.stats.ERP.discrepanciesResolved + second.stats.COMMERCE.discrepanciesResolved).toBe(0);
    expect(upstreamWrites(t.stack)).toEqual({});
  });

  it('lists every deliberate disagreement of the dataset, and no field mismatch it did not plant', async () => {
    const open = await allDiscrepancies(false);
    const key = (kind: string, system: string, subject: string, field = '') => `${kind}|${system}|${subject}|${field}`;
    const found = new Set(open.map((d) => key(d.kind, d.system, d.customer?.id ?? d.order!.id, d.kind === 'FIELD_MISMATCH' ? d.field ?? '' : '')));
    const graceEnd = Date.now() - 24 * 60 * 60 * 1000;
    const cancelled = new Set(t.stack.dataset.shopify.orders.filter((o) => o.cancelledAt).map((o) => o.id));
    const expected = t.stack.dataset.disagreements.flatMap((d: DeliberateDisagreement) => {
      switch (d.kind) {
        case 'FIELD_MISMATCH': return [key(d.kind, d.system, customerId(d.contactId), d.field)];
        case 'AMBIGUOUS_EMAIL': case 'BROKEN_LINK': return [key(d.kind, d.system, customerId(d.contactId))];
        case 'MISSING_ERP_ORDER': return Date.parse(d.placedAt) < graceEnd && !cancelled.has(d.shopOrderId) ? [key(d.kind, 'ERP', orderId(d.shopOrderId))] : [];
        case 'ORDER_TOTAL_MISMATCH': return [key(d.kind, 'ERP', orderId(d.shopOrderId))];
      }
    });
    const kinds = new Set(t.stack.dataset.disagreements.map((d) => d.kind));
    expect(kinds.size).toBe(5);
    const missing = expected.filter((k) => !found.has(k));
    expect(missing).toEqual([]);
    const unplanted = open.filter((d) => d.kind === 'FIELD_MISMATCH')
      .map((d) => key(d.kind, d.system, d.customer!.id, d.field ?? '')).filter((k) => !expected.includes(k));
    expect(unplanted).toEqual([]);
    console.log(`discrepancies: ${open.length} open, ${expected.length} planted (${[...kinds].join(', ')})`);
  });

  it('shows a customer its own discrepancies, and audits the personal values served', async () => {
    const planted = t.stack.dataset.disagreements.find((d) => d.kind === 'FIELD_MISMATCH')!;
    const id = customerId((planted as { contactId: string }).contactId);
    const { body } = await t.gql('query($id: ID!) { customer(id: $id) { discrepancies { kind system field sourceValue } } }', { id }, await devAuthHeader(undefined, { subject: 'reconcile-auditor' }));
    expect(body.errors).toBeUndefined();
    expect(body.data.customer.discrepancies).toContainEqual(expect.objectContaining({ kind: 'FIELD_MISMATCH', system: planted.kind === 'FIELD_MISMATCH' ? planted.system : '', field: planted.kind === 'FIELD_MISMATCH' ? planted.field : '' }));
    const log = await t.openAuditLog();
    try {
      expect(await log.bySubject('reconcile-auditor')).toEqual([expect.objectContaining({ fields: ['Discrepancy.sourceValue'], customerIds: [id] })]);
    } finally {
      await log.close();
    }
  });

  const RESOLVE = `mutation($id: ID!, $action: ResolveAction!, $v: String) {
    resolveDiscrepancy(id: $id, action: $action, expectedVersion: $v) { discrepancy { id resolvedAt resolution } sync { system status } }
  }`;

  async function openMismatch(field: string, skip = 0): Promise<DiscrepancyNode & { contactId: string }> {
    const all = (await allDiscrepancies(false)).filter((d) => d.kind === 'FIELD_MISMATCH' && d.system === 'ERP' && d.field === field);
    const node = all[skip];
    return { ...node, contactId: Buffer.from(node.customer!.id, 'base64url').toString().split(':')[1] };
  }

  it('resolves a phone mismatch with ACCEPT_SOURCE: the ERP phone is written to the CRM and the shop, and the discrepancy is resolved', async () => {
    const d = await openMismatch('phone');
    const contact = t.stack.dataset.hubspot.contacts.find((c) => c.id === d.contactId)!;
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(RESOLVE, { id: d.id, action: 'ACCEPT_SOURCE' });
    expect(body.errors).toBeUndefined();
    expect(body.data.resolveDiscrepancy.discrepancy).toMatchObject({ id: d.id, resolution: 'ACCEPT_SOURCE' });
    expect(body.data.resolveDiscrepancy.discrepancy.resolvedAt).not.toBeNull();
    expect(body.data.resolveDiscrepancy.sync).toContainEqual({ system: 'CRM', status: 'APPLIED' });
    expect((await hubspotContact(t.stack, d.contactId)).properties.phone).toBe(d.sourceValue);
    // The ERP keeps its number (stored in E.164 now, as every write stores phones).
    expect((await odooPartner(t.stack, await partnerIdOf(d.contactId))).phone).toBe(d.sourceValue);
    if (contact.properties.shop_customer_id) {
      expect((await shopifyCustomer(t.stack, contact.properties.shop_customer_id)).defaultPhoneNumber?.phoneNumber).toBe(d.sourceValue);
    }
    // Resolving again writes nothing and answers the same.
    const again = await t.gql(RESOLVE, { id: d.id, action: 'ACCEPT_SOURCE' });
    expect(again.body.data.resolveDiscrepancy.sync).toEqual([]);
  });

  it('resolves an address mismatch with KEEP_CANONICAL: the CRM street is written to the ERP only', async () => {
    const d = await openMismatch('address');
    const contact = t.stack.dataset.hubspot.contacts.find((c) => c.id === d.contactId)!;
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(RESOLVE, { id: d.id, action: 'KEEP_CANONICAL' });
    expect(body.errors).toBeUndefined();
    expect(body.data.resolveDiscrepancy.sync).toEqual([{ system: 'ERP', status: 'APPLIED' }]);
    expect(body.data.resolveDiscrepancy.discrepancy.resolution).toBe('KEEP_CANONICAL');
    expect((await odooPartner(t.stack, await partnerIdOf(contact.id))).street).toBe(contact.properties.address);
    expect(Object.keys(upstreamWrites(t.stack))).toEqual(['odoo POST /json/2/res.partner/write']);
  });

  it('refuses a resolution when the customer changed since the discrepancy was found, and writes nothing', async () => {
    const d = await openMismatch('phone');
    await editInHubSpot(d.contactId, { lifecyclestage: 'evangelist' });
    t.stack.resetUpstreamCounters();
    const { body } = await t.gql(RESOLVE, { id: d.id, action: 'KEEP_CANONICAL' });
    expect(body.errors?.[0].extensions).toMatchObject({ code: 'VERSION_CONFLICT', systems: ['CRM'] });
    expect(upstreamWrites(t.stack)).toEqual({});
    expect((await allDiscrepancies(false)).map((n) => n.id)).toContain(d.id);
  });

  it('takes the source value as it is now when ACCEPT_SOURCE is given a newer version', async () => {
    const d = await openMismatch('phone', 1);
    const partnerId = await partnerIdOf(d.contactId);
    await odooWritePartner(t.stack, partnerId, { phone: '+33 6 11 22 33 44' });
    const { body: read } = await t.gql('query($id: ID!) { customer(id: $id) { version } }', { id: d.customer!.id });
    // The version the discrepancy was found at is stale now.
    const stale = await t.gql(RESOLVE, { id: d.id, action: 'ACCEPT_SOURCE' });
    expect(stale.body.errors?.[0].extensions).toMatchObject({ code: 'VERSION_CONFLICT', systems: ['ERP'] });
    const { body } = await t.gql(RESOLVE, { id: d.id, action: 'ACCEPT_SOURCE', v: read.data.customer.version });
    expect(body.errors).toBeUndefined();
    expect((await hubspotContact(t.stack, d.contactId)).properties.phone).toBe('+33611223344');
  });

  it('leaves a KEEP_CANONICAL resolution open while its write waits for a system that is down; a pass closes it once the write lands', async () => {
    await syncPass(syncUrl()); // the versions the discrepancies were found at, brought up to date after the tests above
    const d = await openMismatch('phone');
    t.stack.standIns.odoo.setFaults({ down: true });
    const { body } = await t.gql(RESOLVE, { id: d.id, action: 'KEEP_CANONICAL' }).finally(() => t.stack.standIns.odoo.setFaults({}));
    expect(body.errors).toBeUndefined();
    expect(body.data.resolveDiscrepancy.sync).toEqual([{ system: 'ERP', status: 'PENDING' }]);
    expect(body.data.resolveDiscrepancy.discrepancy.resolvedAt).toBeNull();
    const partnerId = await partnerIdOf(d.contactId);
    await expect.poll(async () => (await odooPartner(t.stack, partnerId)).phone, { timeout: 5000, interval: 100 }).toBe(d.canonicalValue);
    await syncPass(syncUrl());
    expect((await allDiscrepancies(true)).find((n) => n.id === d.id)?.resolution).toBe('GONE');
  });

  it('does not move a cursor past changes it did not read when --since is later than it', async () => {
    const [order] = t.stack.dataset.odoo['sale.order'];
    const feedCursor = async () => (await t.gql('{ syncStatus { systems { system cursors { feed position } } } }')).body.data.syncStatus.systems
      .flatMap((s: { cursors: { feed: string; position: string }[] }) => s.cursors).find((c: { feed: string }) => c.feed === 'ERP:saleOrders').position;
    const before = await feedCursor();
    await odooWriteSaleOrder(t.stack, order.id, { note: 'checked by phone' });
    expect((await odooSaleOrder(t.stack, order.client_order_ref as string)).write_date).toBeDefined();
    const pass = await syncPass(syncUrl(), ['--since', new Date(Date.parse(before) + 60_000).toISOString()]);
    expect(pass.stats.ERP.read).toBeGreaterThan(0);
    expect(await feedCursor()).toBe(before);
  });

  it('marks a discrepancy fixed at the source resolved on the next pass', async () => {
    const d = await openMismatch('phone');
    const partner = await partnerIdOf(d.contactId);
    await odooWritePartner(t.stack, partner, { phone: d.canonicalValue });
    const pass = await syncPass(syncUrl());
    expect(pass.stats.ERP.discrepanciesResolved).toBeGreaterThanOrEqual(1);
    const resolved = (await allDiscrepancies(true)).find((n) => n.id === d.id)!;
    expect(resolved.resolution).toBe('GONE');
    expect(resolved.resolvedAt).not.toBeNull();
  });

  it('reads and compares only in a dry run: counts what it would carry over, writes nothing, moves no cursor', async () => {
    const [contact] = agreeingContacts().slice(20, 21);
    await editInHubSpot(contact.id, { phone: '+44 20 7946 0999' });
    const cursors = async () => (await t.gql('{ syncStatus { systems { system cursors { feed position } } } }')).body.data.syncStatus.systems;
    const before = await cursors();
    t.stack.resetUpstreamCounters();
    const dry = await syncPass(syncUrl(), ['--dry-run']);
    expect(dry.dryRun).toBe(true);
    expect([dry.stats.ERP.propagated, dry.stats.COMMERCE.propagated]).toEqual([1, 1]);
    expect(upstreamWrites(t.stack)).toEqual({});
    expect(await cursors()).toEqual(before);
    const wet = await syncPass(syncUrl());
    expect([wet.stats.ERP.propagated, wet.stats.COMMERCE.propagated]).toEqual([1, 1]);
  });

  it('reports per system in syncStatus: last pass, cursors, outbox depth, webhooks', async () => {
    const last = await syncPass(syncUrl(), ['--since', '1h']);
    const { body } = await t.gql(`{ syncStatus { systems { system lastWebhookAt cursors { feed position }
      lastReconciliation { startedAt finishedAt status recordsRead changesPropagated discrepanciesFound failures }
      outbox { pending oldestPendingAgeSeconds } recentFailures { at source code message } } } }`);
    expect(body.errors).toBeUndefined();
    const bySystem = Object.fromEntries(body.data.syncStatus.systems.map((s: { system: string }) => [s.system, s]));
    expect(Object.keys(bySystem)).toEqual(['CRM', 'ERP', 'COMMERCE']);
    for (const system of ['CRM', 'ERP', 'COMMERCE'] as const) {
      expect(bySystem[system].lastReconciliation).toMatchObject({
        status: 'DONE', recordsRead: last.stats[system].read, changesPropagated: last.stats[system].propagated, failures: 0,
      });
      expect(bySystem[system].outbox).toEqual({ pending: 0, oldestPendingAgeSeconds: null });
    }
    expect(bySystem.CRM.cursors.map((c: { feed: string }) => c.feed)).toEqual(['CRM:contacts']);
    expect(bySystem.ERP.cursors.map((c: { feed: string }) => c.feed)).toEqual(['ERP:partners', 'ERP:saleOrders']);
    expect(bySystem.ERP.lastWebhookAt).toBeNull();
  });

  it('holds the ERP cursors while Odoo is down, reports the failure in its own words, and catches up once it is back', async () => {
    const [contact] = agreeingContacts().slice(21, 22);
    await editInHubSpot(contact.id, { phone: '+44 20 7946 0888' });
    const status = async () => Object.fromEntries((await t.gql(`{ syncStatus { systems { system cursors { feed position }
      lastReconciliation { failures } recentFailures(first: 3) { source code message } } } }`)).body.data.syncStatus.systems.map((s: { system: string }) => [s.system, s]));
    const before = await status();

    t.stack.standIns.odoo.setFaults({ down: true });
    const down = await syncPass(syncUrl()).finally(() => t.stack.standIns.odoo.setFaults({}));
    expect(down.exitCode).toBe(1);
    expect(down.stats.ERP.failures).toBeGreaterThan(0);
    // The shop still got the change; the ERP's part waits.
    expect(down.stats.COMMERCE.propagated).toBe(1);
    const during = await status();
    expect(during.ERP.cursors).toEqual(before.ERP.cursors);
    expect(during.CRM.cursors).toEqual(before.CRM.cursors);
    expect(during.ERP.recentFailures[0]).toEqual({ source: 'RECONCILE', code: 'UPSTREAM_UNAVAILABLE', message: expect.stringMatching(/^The ERP \(Odoo\) could not be reached/) });
    expect(JSON.stringify(during)).not.toMatch(/\+44|@example\.com/);

    const back = await syncPass(syncUrl());
    expect(back.status).toBe('DONE');
    expect([back.stats.ERP.propagated, back.stats.ERP.failures]).toEqual([1, 0]);
    expect((await odooPartner(t.stack, Number(contact.properties.erp_partner_id))).phone).toBe('+442079460888');
  });

  it('holds a feed\'s cursor when the CRM answers 500 while that feed\'s page is matched to customers', async () => {
    const [contact] = agreeingContacts().slice(22, 23);
    const partnerId = Number(contact.properties.erp_partner_id);
    // Odoo stamps write_date to the second: a second later than the cursor, so the cursor has somewhere to go.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await odooWritePartner(t.stack, partnerId, { street2: 'Building B' });
    const partnersCursor = async () => (await t.gql('{ syncStatus { systems { cursors { feed position } } } }')).body.data.syncStatus.systems
      .flatMap((s: { cursors: { feed: string; position: string }[] }) => s.cursors).find((c: { feed: string }) => c.feed === 'ERP:partners').position;
    const before = await partnersCursor();

    t.stack.standIns.hubspot.setFaults({ failStatus: 500 });
    const failed = await syncPass(syncUrl()).finally(() => t.stack.standIns.hubspot.setFaults({}));
    expect(failed.status).toBe('FAILED');
    expect(failed.stats.ERP.read).toBeGreaterThan(0);
    expect(await partnersCursor()).toBe(before);

    const next = await syncPass(syncUrl());
    expect(next.status).toBe('DONE');
    expect(Date.parse(await partnersCursor())).toBeGreaterThan(Date.parse(before));
  });

  it('guards the report with sync:read, personal values with pii:read, and resolving with customers:write', async () => {
    const only = (scopes: string[]) => devAuthHeader(scopes);
    const noSync = await t.gql('{ discrepancies(first: 1) { edges { node { id } } } syncStatus { systems { system } } }', {}, await only(['customers:read']));
    expect(noSync.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);

    const noPii = await t.gql('query { discrepancies(first: 100, kind: FIELD_MISMATCH) { edges { node { kind field canonicalValue sourceValue } } } }', {}, await only(['sync:read']));
    const phone = noPii.body.data.discrepancies.edges.map((e: { node: Record<string, unknown> }) => e.node).find((n: { field: string }) => n.field === 'phone');
    expect(phone).toEqual({ kind: 'FIELD_MISMATCH', field: 'phone', canonicalValue: null, sourceValue: null });
    expect(noPii.body.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true);
    expect(noPii.text).not.toMatch(/\+\d{8,}/);

    const order = await t.gql('query { discrepancies(first: 1, kind: ORDER_TOTAL_MISMATCH) { edges { node { canonicalValue sourceValue } } } }', {}, await only(['sync:read']));
    expect(order.body.errors).toBeUndefined();
    expect(order.body.data.discrepancies.edges[0].node.canonicalValue).toMatch(/^\d+(\.\d+)? [A-Z]{3}$/);

    const viaCustomer = await t.gql('query($id: ID!) { customer(id: $id) { discrepancies { field canonicalValue } } }',
      { id: (await openMismatch('phone')).customer!.id }, await only(['sync:read', 'customers:read']));
    expect(viaCustomer.body.data.customer.discrepancies).toContainEqual({ field: 'phone', canonicalValue: null });
    expect(viaCustomer.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    // A cursor in our format, but not one of this list's (another list's paging token).
    const foreignCursor = Buffer.from('cursor:abc').toString('base64url');
    const badCursor = await t.gql('query($after: String) { discrepancies(first: 1, after: $after) { edges { node { id } } } }', { after: foreignCursor });
    expect(badCursor.body.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
    const noCustomers = await t.gql('{ discrepancies(first: 1, kind: FIELD_MISMATCH) { edges { node { kind customer { name } } } } }', {}, await only(['sync:read']));
    expect(noCustomers.body.data.discrepancies.edges[0].node).toEqual({ kind: 'FIELD_MISMATCH', customer: null });
    expect(noCustomers.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    const d = await openMismatch('phone');
    t.stack.resetUpstreamCounters();
    const refused = await t.gql(RESOLVE, { id: d.id, action: 'KEEP_CANONICAL' }, await only(['sync:read', 'customers:read']));
    expect(refused.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(upstreamWrites(t.stack)).toEqual({});
  });

  it('starts a pass only for an internal token with sync:write and a valid body, and one at a time', async () => {
    const reconcileUrl = syncUrl().replace(/\/graphql$/, '/admin/reconcile');
    const post = async (headers: Record<string, string>, body: string) => {
      const res = await fetch(reconcileUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
      return { status: res.status, text: await res.text() };
    };
    expect((await post({}, '{}')).status).toBe(401);
    // A client's token, even with every scope, is not the gateway's internal token.
    expect((await post(await devAuthHeader(), '{}')).status).toBe(401);
    expect((await post(await internalAuthHeader('sync', ['sync:read']), '{}')).status).toBe(403);
    const writer = await internalAuthHeader('sync', ['sync:write']);
    expect(JSON.parse((await post(writer, '{"since":"last tuesday"}')).text)).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await post(writer, '{"dryRun":"yes"}')).status).toBe(400);

    const [first, second] = await Promise.all([post(writer, '{"dryRun":true}'), post(writer, '{"dryRun":true}')]);
    const lastLines = [first, second].map((r) => JSON.parse(r.text.trim().split('\n').pop()!));
    expect(lastLines.map((l) => l.type).sort()).toEqual(['error', 'summary']);
    expect(lastLines.find((l) => l.type === 'error')).toMatchObject({ code: 'CONFLICT' });
    const progress = (first.text + second.text).split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((l) => l.type === 'progress');
    expect(new Set(progress.map((p) => p.feed))).toEqual(new Set(['CRM:contacts', 'ERP:partners', 'COMMERCE:customers', 'COMMERCE:orders', 'ERP:saleOrders']));
  });
});

async function partnerIdByEmail(email: string): Promise<number> {
  const res = await fetch(`${t.stack.standIns.odoo.url}/json/2/res.partner/search_read`, {
    method: 'POST',
    headers: { authorization: `bearer ${DEV_CREDENTIALS.odoo}`, 'x-odoo-database': 'standin', 'content-type': 'application/json' },
    body: JSON.stringify({ domain: [['email', '=ilike', email]], fields: ['id'], order: 'id asc' }),
  });
  return (await res.json())[0].id;
}

async function partnerIdOf(contactId: string): Promise<number> {
  const contact = t.stack.dataset.hubspot.contacts.find((c) => c.id === contactId)!;
  return Number(contact.properties.erp_partner_id ?? 0) || partnerIdByEmail(contact.properties.email!);
}
