/**
 * Two replicas of the write side on one PostgreSQL (issue 15): one set of stand-ins and read subgraphs,
 * two sync services as separate processes on the same database and schema (so no in-process lock can be
 * what serialises them), and two gateways, each in front of its own sync service.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset } from '../../upstreams/dataset/types.ts';
import { DEV_CREDENTIALS, standInEnv, startStandIns, startSubgraphs, type StandIns } from '../../upstreams/stack.ts';
import type { GraphQLResult } from '../e2e/harness.ts';
import { hubspotContact, odooPartner, upstreamWrites } from '../e2e/upstream-views.ts';
import { TEST_DATABASE_URL } from '../sync/support/store-backends.ts';
import { devToken } from '../support/dev-token.ts';
import { freePort } from '../support/ports.ts';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.ts';
import { startSyncProcess } from '../support/sync-process.ts';
import { postGraphQL, postHubSpotWebhook, standInsView, stopChild } from './support.ts';


// As in test/e2e/write-contention.test.ts: admission held at 300 operations at once for the 300-write burst,
// and one token subject sends every request, so the cost budget is lifted.
// The gateways listen themselves (no acceptor process): in this one process their loops also run the subgraphs and
// stand-ins, and take a burst's connections in late for reasons that are not their own overload (upstreams/stack.ts).
const GATEWAY_ENV = { ADMISSION_MIN_CONCURRENT: '300', ADMISSION_MAX_CONCURRENT: '300', COST_BUDGET_PER_MINUTE: '1000000000', SUBGRAPH_TIMEOUT_MS: '20000', GATEWAY_ACCEPTOR: 'false' };
const SUBGRAPH_ENV = { OUTBOX_INTERVAL_MS: '50', OUTBOX_BACKOFF_BASE_MS: '50', OUTBOX_BACKOFF_MAX_MS: '400', BREAKER_COOLDOWN_MS: '500', RECONCILE_INTERVAL_MS: '0' };
// A write waiting on replica B for A's write of the same version is refused as soon as A's lead write lands
// (the version superseded in PostgreSQL), not at the end of its wait. The wait is 5 s rather than the
// default 1 s only so that a winner slowed past 1 s by a loaded machine still leaves every loser a conflict.
const SYNC_ENV = { ...SUBGRAPH_ENV, SYNC_LOCK_WAIT_MS: '5000', SYNC_DEADLINE_MS: '15000' };

describe('two sync replicas and two gateways on one PostgreSQL', () => {
  let dataset: Dataset;
  let standIns: StandIns;
  let readSubgraphs: Awaited<ReturnType<typeof startSubgraphs>>['subgraphs'];
  let schema: TestSchema;
  const syncUrls: string[] = [];
  const syncProcesses: ChildProcess[] = [];
  const gateways: RunningGateway[] = [];
  let token = '';

  beforeAll(async () => {
    token = await devToken();
    dataset = generateDataset();
    // No webhook target: the stand-ins send no webhooks of their own (a test delivers its own), so upstream calls are the writes' alone.
    standIns = await startStandIns(dataset);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-replicas-'));
    const logFile = join(inject('logDir'), `${dir.split('/').pop()}.log`);
    ({ subgraphs: readSubgraphs } = await startSubgraphs({ ...standInEnv(standIns), ...SUBGRAPH_ENV }, undefined, false, { level: 'info', file: logFile }));
    schema = await createTestSchema(TEST_DATABASE_URL);
    // Two processes, each its own port (so its own replica name) and its own SQLite path, which DATABASE_URL overrides.
    const ports = [await freePort(), await freePort()];
    // Each sync replica tells both gateways' answer caches what it changed before its write answers.
    const gatewayPorts = [await freePort(), await freePort()];
    const GATEWAY_URL = gatewayPorts.map((port) => `http://127.0.0.1:${port}`).join(',');
    syncProcesses.push(...await Promise.all(ports.map((port, i) =>
      startSyncProcess({ standIns, subgraphs: readSubgraphs }, port, join(dir, `unused-${i}.db`), { DATABASE_URL: schema.url, GATEWAY_URL, ...SYNC_ENV }))));
    syncUrls.push(...ports.map((port) => `http://127.0.0.1:${port}/graphql`));
    for (const [i, syncUrl] of syncUrls.entries()) {
      const config = readGatewayConfig({
        PORT: String(gatewayPorts[i]), AUDIT_DB_PATH: join(dir, `audit-${i}.db`), AUDIT_FLUSH_MS: '0', ...GATEWAY_ENV,
        CRM_SUBGRAPH_URL: readSubgraphs.crm.url, ERP_SUBGRAPH_URL: readSubgraphs.erp.url, COMMERCE_SUBGRAPH_URL: readSubgraphs.commerce.url,
        SOCIAL_SUBGRAPH_URL: readSubgraphs.social.url, SYNC_SUBGRAPH_URL: syncUrl,
      }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
      gateways.push(await startGateway(config, createLogger('info', logFile)));
    }
  // Two sync processes compiling with tsx at once: on a loaded machine, more than the default hook timeout.
  }, 120_000);

  afterAll(async () => {
    await Promise.all(gateways.map((g) => g.close()));
    await Promise.all(syncProcesses.map(stopChild));
    await Promise.all(Object.values(readSubgraphs ?? {}).map((s) => s.close()));
    await Promise.all(Object.values(standIns ?? {}).map((s) => s.close()));
    await schema?.drop();
  });

  const view = () => standInsView(standIns);

  const gql = (gateway: number, query: string, variables?: Record<string, unknown>) => postGraphQL(gateways[gateway].url, token, query, variables);

  const linkedContact = (n: number) => dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)[n];
  const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version lastName } } } }`;
  const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) {
    updateCustomer(id: $id, expectedVersion: $v, input: $input) { customer { id } sync { system status } writeId } }`;
  const read = async (gateway: number, email: string) => (await gql(gateway, READ, { email })).body.data.customers.edges[0].node;
  const codeOf = (r: GraphQLResult) => r.body.errors?.[0]?.extensions?.code;

  it('answers 300 concurrent updates of one version through both gateways with one success and 299 VERSION_CONFLICTs, writing each system once', async () => {
    const contact = linkedContact(0);
    const before = await read(0, contact.properties.email!);
    view().resetUpstreamCounters();
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) =>
      gql(i % 2, UPDATE, { id: before.id, v: before.version, input: { lastName: `Racer${i}` } })));
    const answers: Record<string, number> = {};
    for (const r of results) answers[String(codeOf(r) ?? 'ACCEPTED')] = (answers[String(codeOf(r) ?? 'ACCEPTED')] ?? 0) + 1;
    console.log(`300 writes over two replicas answered in ${Date.now() - started} ms: ${JSON.stringify(answers)}`);
    expect(answers).toEqual({ ACCEPTED: 1, VERSION_CONFLICT: 299 });
    const winners = results.filter((r) => r.body.data?.updateCustomer);
    expect(winners[0].body.data.updateCustomer.sync.map((s: { status: string }) => s.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    expect(upstreamWrites(view())).toEqual({ 'hubspot PATCH /crm/v3/objects/contacts/{id}': 1, 'odoo POST /json/2/res.partner/write': 1, 'shopify customerUpdate': 1 });
    expect((await hubspotContact(view(), contact.id)).properties.lastname).toMatch(/^Racer\d+$/);
  }, 120_000);

  it('shows a write through gateway A through gateway B at once, though B had just read (and cached) the record', async () => {
    const contact = linkedContact(1);
    const before = await read(1, contact.properties.email!);
    expect(before.lastName).not.toBe('Seen-Everywhere');
    const written = await gql(0, UPDATE, { id: before.id, v: before.version, input: { lastName: 'Seen-Everywhere' } });
    expect(written.body.data.updateCustomer.sync.map((s: { status: string }) => s.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    const after = await read(1, contact.properties.email!);
    expect(after.lastName).toBe('Seen-Everywhere');
    expect(after.version).not.toBe(before.version);
  });

  it('applies a HubSpot webhook delivered to both sync replicas at once once', async () => {
    const contact = linkedContact(2);
    const partnerId = Number(contact.properties.erp_partner_id);
    // A person edits the contact in HubSpot; its webhook is delivered below, to both replicas at once.
    const edit = await fetch(`${standIns.hubspot.url}/crm/v3/objects/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json', 'x-standin-change-source': 'CRM_UI' },
      body: JSON.stringify({ properties: { phone: '+33 6 98 76 54 09' } }),
    });
    expect(edit.status).toBe(200);
    view().resetUpstreamCounters();
    const event = [{ eventId: 88_000_001, subscriptionId: 1, portalId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0,
      objectId: Number(contact.id), propertyName: 'phone', propertyValue: '+33 6 98 76 54 09', changeSource: 'CRM_UI' }];
    expect(await Promise.all(syncUrls.map((url) => postHubSpotWebhook(url, event)))).toEqual([200, 200]);
    await expect.poll(async () => (await odooPartner(view(), partnerId)).phone, { timeout: 5000, interval: 50 }).toBe('+33698765409');
    // Time for a second application, were there one: both outbox workers poll every 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(upstreamWrites(view())).toEqual({ 'odoo POST /json/2/res.partner/write': 1, 'shopify customerUpdate': 1 });
  });
});
