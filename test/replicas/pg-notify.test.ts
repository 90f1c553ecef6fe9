/**
 * Replicas telling each other over PostgreSQL LISTEN/NOTIFY (issue 15): two instances of the CRM
 * subgraph with record caches, of which the sync service knows (and POSTs its invalidations to) only
 * the first; a second sync replica whose workers poll only every minute; the listening connections
 * cut by the server. All on one schema of this file's own, so its channels are its own.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { readCrmConfig } from '../../subgraphs/crm/config.ts';
import { crmSubgraph } from '../../subgraphs/crm/index.ts';
import { channelName, LISTENER_NAME } from '../../subgraphs/shared/pg-notify/pg-notify.ts';
import { RECORDS_TOPIC } from '../../subgraphs/shared/record-cache/pg-invalidation.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { readSyncConfig } from '../../subgraphs/sync/config.ts';
import { startSyncService, type SyncService } from '../../subgraphs/sync/index.ts';
import { createLogger as createServiceLogger } from '../../subgraphs/shared/logging/logger.ts';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset } from '../../upstreams/dataset/types.ts';
import { DEV_CREDENTIALS, standInEnv, startStandIns, startSubgraphs, subgraphUrlEnv, type Stack, type StandIns } from '../../upstreams/stack.ts';
import { hubspotContact, odooPartner } from '../e2e/upstream-views.ts';
import { TEST_DATABASE_URL } from '../sync/support/store-backends.ts';
import { devToken } from '../support/dev-token.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.ts';
import { postGraphQL, postHubSpotWebhook } from './support.ts';

// Records stay cached 10 minutes and the workers poll once a minute: within a test, only a notification explains a fresh read or prompt work.
// A first write waits for the lock pool's first connection: on two loaded cores more than the default second (as in two-replicas.test.ts).
const ENV = { CRM_RECORD_TTL_MS: '600000', SYNC_LOCK_WAIT_MS: '5000', SYNC_DEADLINE_MS: '15000', OUTBOX_INTERVAL_MS: '60000', INBOX_INTERVAL_MS: '60000', OUTBOX_BACKOFF_BASE_MS: '50', RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'info' };
const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';

describe('replicas told over PostgreSQL LISTEN/NOTIFY', () => {
  let dataset: Dataset;
  let standIns: StandIns;
  let schema: TestSchema;
  let started: Awaited<ReturnType<typeof startSubgraphs>>;
  let crm2: RunningSubgraph;
  let replicaB: SyncService;
  let gateway: RunningGateway;
  let token = '';

  beforeAll(async () => {
    token = await devToken();
    dataset = generateDataset();
    standIns = await startStandIns(dataset);
    schema = await createTestSchema(TEST_DATABASE_URL);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-pg-notify-'));
    const log = { level: 'info', file: join(inject('logDir'), `${dir.split('/').pop()}.log`) };
    const env = { ...standInEnv(standIns), ...ENV, SYNC_DB_PATH: join(dir, 'unused.db'), DATABASE_URL: schema.url };
    // The read subgraphs and sync replica A, which POSTs its invalidations to the first CRM instance only.
    started = await startSubgraphs(env, undefined, true, log);
    crm2 = await startSubgraph(crmSubgraph(readCrmConfig(env)), { ...TEST_LISTEN, log });
    replicaB = await startSyncService(readSyncConfig({ ...env, ...subgraphUrlEnv(started.subgraphs) }), Date.now, createServiceLogger({ service: 'sync', ...log }));
    const { crm, erp, commerce, social } = started.subgraphs;
    gateway = await startGateway(readGatewayConfig({
      PORT: '0', AUDIT_DB_PATH: join(dir, 'audit.db'), AUDIT_FLUSH_MS: '0', COST_BUDGET_PER_MINUTE: '1000000000',
      CRM_SUBGRAPH_URL: crm.url, ERP_SUBGRAPH_URL: erp.url, COMMERCE_SUBGRAPH_URL: commerce.url, SOCIAL_SUBGRAPH_URL: social.url, SYNC_SUBGRAPH_URL: started.syncSubgraph!.url,
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) }), createLogger('info', log.file));
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([crm2?.close(), started?.syncSubgraph?.close(), ...Object.values(started?.subgraphs ?? {}).map((s) => s.close())]);
    await Promise.all([started?.sync?.close(), replicaB?.close()]);
    await Promise.all(Object.values(standIns ?? {}).map((s) => s.close()));
    await schema?.drop();
  });

  const view = () => ({ standIns }) as unknown as Stack;
  const linked = (n: number) => dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)[n];
  const idOf = (contactId: string) => Buffer.from(`Customer:${contactId}`).toString('base64url');
  const batchReads = () => standIns.hubspot.counters()[BATCH_READ] ?? 0;

  /** The contact's last name as one CRM instance answers it (from its cache when it holds the contact). */
  async function lastNameAt(crm: RunningSubgraph, contactId: string): Promise<string> {
    const res = await fetch(crm.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...await internalAuthHeader('crm') },
      body: JSON.stringify({ query: 'query($id: ID!) { customer(id: $id) { lastName } }', variables: { id: idOf(contactId) } }),
    });
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    return body.data.customer.lastName;
  }

  /** updateCustomer through the gateway (so through sync replica A), at the version the gateway reads now. */
  async function writeLastName(contactId: string, lastName: string): Promise<void> {
    const gql = async (query: string, variables: Record<string, unknown>) => (await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    })).json();
    const read = await gql('query($id: ID!) { customer(id: $id) { version } }', { id: idOf(contactId) });
    const written = await gql(`mutation($id: ID!, $v: String!, $lastName: String!) {
      updateCustomer(id: $id, expectedVersion: $v, input: { lastName: $lastName }) { sync { system status } } }`,
    { id: idOf(contactId), v: read.data.customer.version, lastName });
    expect(written.errors).toBeUndefined();
    expect(written.data.updateCustomer.sync.map((s: { status: string }) => s.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
  }

  /** The backends LISTENing on this schema's record channel: both CRM instances', the ERP's and the shop's. */
  async function recordListeners(terminate = false): Promise<number> {
    const searchPath = new URL(schema.url).searchParams.get('options')!.replace('-c search_path=', '');
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const found = await client.query(`SELECT ${terminate ? 'pg_terminate_backend(pid)' : 'pid'} FROM pg_stat_activity WHERE application_name = $1 AND query = $2`,
        [LISTENER_NAME, `LISTEN "${channelName(RECORDS_TOPIC, searchPath)}"`]);
      return found.rowCount ?? 0;
    } finally {
      await client.end();
    }
  }

  /** A counter's value on a server's /metrics (summed over the lines matching every label given). */
  async function counter(serverUrl: string, name: string, labels: string[] = []): Promise<number> {
    const text = await (await fetch(serverUrl.replace(/graphql$/, 'metrics'))).text();
    return text.split('\n').filter((line) => line.startsWith(name) && labels.every((l) => line.includes(l)))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  }

  it('drops a written record from both CRM instances, the second one told only over NOTIFY', async () => {
    const contact = linked(0);
    const before = await lastNameAt(started.subgraphs.crm, contact.id);
    expect(await lastNameAt(crm2, contact.id)).toBe(before);
    standIns.hubspot.resetCounters();
    // Both hold it now: read again without asking HubSpot.
    expect([await lastNameAt(started.subgraphs.crm, contact.id), await lastNameAt(crm2, contact.id)]).toEqual([before, before]);
    expect(batchReads()).toBe(0);

    await writeLastName(contact.id, 'Notified-Everywhere');
    expect(await lastNameAt(started.subgraphs.crm, contact.id)).toBe('Notified-Everywhere');
    await expect.poll(() => lastNameAt(crm2, contact.id), { timeout: 5000, interval: 50 }).toBe('Notified-Everywhere');
    const records = ['topic="records"'];
    expect(await counter(started.syncSubgraph!.url, 'subgraph_replica_notifications_total', [...records, 'direction="sent"'])).toBeGreaterThanOrEqual(1);
    expect(await counter(crm2.url, 'subgraph_replica_notifications_total', [...records, 'direction="received"'])).toBeGreaterThanOrEqual(1);
  });

  it('listens again after the server cuts the listening connections, dropping the whole cache, and hears later writes', async () => {
    const warmed = linked(1);
    const contact = linked(2);
    await lastNameAt(crm2, warmed.id);
    expect(await recordListeners()).toBe(4);
    expect(await recordListeners(true)).toBe(4);
    // Each reconnects (backoff from 100 ms) and LISTENs again.
    await expect.poll(() => recordListeners(), { timeout: 10_000, interval: 100 }).toBe(4);
    expect(await counter(crm2.url, 'subgraph_replica_listen_failures_total')).toBe(1);

    // What was cached before may have missed news while nobody listened: gone.
    standIns.hubspot.resetCounters();
    await lastNameAt(crm2, warmed.id);
    expect(batchReads()).toBe(1);

    const before = await lastNameAt(crm2, contact.id);
    expect(await lastNameAt(crm2, contact.id)).toBe(before);
    await writeLastName(contact.id, 'Heard-After-Reconnect');
    await expect.poll(() => lastNameAt(crm2, contact.id), { timeout: 5000, interval: 50 }).toBe('Heard-After-Reconnect');
  });

  it('drops a second gateway\'s kept answers when a write through the first is announced over NOTIFY', async () => {
    const contact = linked(5);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-pg-notify-2-'));
    const { erp, commerce, social } = started.subgraphs;
    // Told of nothing over HTTP (no sync service knows it): only its LISTEN on the records channel can drop what it keeps.
    const second = await startGateway(readGatewayConfig({
      PORT: '0', AUDIT_DB_PATH: join(dir, 'audit.db'), AUDIT_FLUSH_MS: '0', COST_BUDGET_PER_MINUTE: '1000000000', DATABASE_URL: schema.url,
      CRM_SUBGRAPH_URL: crm2.url, ERP_SUBGRAPH_URL: erp.url, COMMERCE_SUBGRAPH_URL: commerce.url, SOCIAL_SUBGRAPH_URL: social.url, SYNC_SUBGRAPH_URL: started.syncSubgraph!.url,
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) }), createLogger('warn'));
    try {
      const lastName = async () => (await postGraphQL(second.url, token, 'query($id: ID!) { customer(id: $id) { lastName } }', { id: idOf(contact.id) })).body.data.customer.lastName;
      // Listening: this schema's four subgraph listeners and the second gateway's.
      await expect.poll(() => recordListeners(), { timeout: 10_000, interval: 100 }).toBe(5);
      const before = await lastName();
      const calls = await counter(crm2.url, 'subgraph_requests_total');
      expect(await lastName()).toBe(before);
      expect(await counter(crm2.url, 'subgraph_requests_total')).toBe(calls);

      await writeLastName(contact.id, 'Dropped-By-Notify');
      await expect.poll(lastName, { timeout: 5000, interval: 50 }).toBe('Dropped-By-Notify');
    } finally {
      await second.close();
    }
  });

  describe('work queued on replica A, whose workers are stopped', () => {
    beforeAll(async () => {
      await Promise.all([started.sync!.worker.stop(), started.sync!.inbox.stop()]);
      // Replica B's first ticks are behind it: its next polls are a minute away.
      await Promise.all([replicaB.worker.drain(), replicaB.inbox.drain()]);
    });

    it('is applied by replica B\'s outbox worker at once, not at its next poll', async () => {
      const contact = linked(3);
      const links = { contactId: contact.id, email: contact.properties.email ?? null, erpPartnerId: null, shopCustomerId: null, mastodonAcct: null };
      const desired = { firstName: null, lastName: 'Woken-By-Notify', company: null, email: null, phone: null, address: null, lifecycleStage: null };
      const queuedAt = Date.now();
      const { intent } = await started.sync!.store.recordIntent({ kind: 'updateCustomer', subjectKey: `contact:${contact.id}`, request: {} },
        [{ system: 'CRM', recordKey: `CRM:contact:${contact.id}`, operation: { type: 'updateCustomer', system: 'CRM', links, desired, fields: ['lastName'], afterLead: false } }]);
      // As a request does when it leaves its writes to the workers.
      await started.sync!.store.releaseIntent(intent.id);

      await expect.poll(async () => (await hubspotContact(view(), contact.id)).properties.lastname, { timeout: 15_000, interval: 100 }).toBe('Woken-By-Notify');
      await expect.poll(async () => (await replicaB.store.getIntent(intent.id))?.status, { timeout: 5000, interval: 50 }).toBe('DONE');
      expect(Date.now() - queuedAt).toBeLessThan(30_000);
    }, 40_000);

    it('processes a webhook event stored by replica A on replica B at once', async () => {
      const contact = linked(4);
      const partnerId = Number(contact.properties.erp_partner_id);
      const edit = await fetch(`${standIns.hubspot.url}/crm/v3/objects/contacts/${contact.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json', 'x-standin-change-source': 'CRM_UI' },
        body: JSON.stringify({ properties: { lastname: 'Inbox-Woken' } }),
      });
      expect(edit.status).toBe(200);
      const event = [{ eventId: 88_100_001, subscriptionId: 1, portalId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0,
        objectId: Number(contact.id), propertyName: 'lastname', propertyValue: 'Inbox-Woken', changeSource: 'CRM_UI' }];
      const queuedAt = Date.now();
      expect(await postHubSpotWebhook(started.syncSubgraph!.url, event)).toBe(200);

      await expect.poll(async () => (await odooPartner(view(), partnerId)).name, { timeout: 15_000, interval: 100 }).toContain('Inbox-Woken');
      await expect.poll(async () => (await replicaB.store.inboxEvents('HUBSPOT')).find((e) => e.eventId === '88100001')?.status, { timeout: 5000, interval: 50 }).toBe('DONE');
      expect(Date.now() - queuedAt).toBeLessThan(30_000);
    }, 40_000);
  });
});
