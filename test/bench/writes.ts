/**
 * `npm run bench -- writes`: 800 updateCustomer (a phone change each, on 800 customers) through the gateway,
 * under the Shopify stand-in's default throttle (Shopify Plus: 2000 points, 100 a second), until the
 * outbox has drained. Prints progress, then per system the outbox attempts per applied write, the
 * requests the shop received and how many it answered THROTTLED, and the drain time.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { startStack, type Stack } from '../../upstreams/stack.ts';
import { devToken } from '../support/dev-token.ts';
import { startCountingProxy } from './counting-proxy.ts';

const WRITES = 800;
const WRITERS = 16;
const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input) { sync { system status } } }`;
const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version } } } }`;

export async function benchWrites(): Promise<void> {
  let stack: Stack | undefined;
  const proxy = await startCountingProxy(() => stack?.standIns.shopify.url);
  const dbPath = join(mkdtempSync(join(tmpdir(), 'bench-writes-')), 'gateway.db');
  stack = await startStack({
    dataset: { customers: 1300 },
    logLevel: 'silent',
    env: { SYNC_DB_PATH: dbPath, AUDIT_DB_PATH: join(dbPath, '..', 'audit.db'), SHOPIFY_URL: proxy.url, RECONCILE_INTERVAL_MS: '0', COST_BUDGET_PER_MINUTE: '1000000000' },
  });
  const s = stack;
  let closed = false;
  // No CRM webhooks: their propagations would be writes of their own; this counts the writes sent.
  s.standIns.hubspot.setWebhooksEnabled(false);
  try {
    const token = await devToken();
    const gql = async (query: string, variables: Record<string, unknown>) => (await (await fetch(s.gatewayUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    })).json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };

    // One write per customer: the answer selects no customer fields, so only the write path calls the shop.
    const contacts = s.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.email).slice(0, WRITES);
    // Each customer's versions, read before the clock starts (the reads are not the benchmark).
    const customers = await Promise.all(contacts.map(async (c) => (await gql(READ, { email: c.properties.email })).data.customers.edges[0].node as { id: string; version: string }));
    s.resetUpstreamCounters();
    const before = proxy.counts();
    console.log(`writes: ${WRITES} phone changes over ${customers.length} linked customers, ${WRITERS} writers, Shopify bucket 2000 points +100/s`);

    const started = Date.now();
    const answers = new Map<string, number>();
    let next = 0;
    let retried = 0;
    // One writer per customer at a time (each write carries the version the previous one returned).
    const busy = new Set<number>();
    async function writer(): Promise<void> {
      while (next < WRITES) {
        const i = next++;
        let c = i % customers.length;
        while (busy.has(c)) c = (c + 1) % customers.length;
        busy.add(c);
        const phone = `+3361${String(2_000_000 + i).padStart(7, '0')}`;
        let result = await gql(UPDATE, { id: customers[c].id, v: customers[c].version, input: { phone } });
        // A COMMERCE part applied later by the outbox changes the version: read it again, as a client would.
        if (!result.data?.updateCustomer) {
          customers[c].version = (await gql(READ, { email: contacts[c].properties.email })).data.customers.edges[0].node.version;
          retried += 1;
          result = await gql(UPDATE, { id: customers[c].id, v: customers[c].version, input: { phone } });
        }
        busy.delete(c);
        const payload = result.data?.updateCustomer;
        const key = payload ? payload.sync.map((p: { system: string; status: string }) => `${p.system}:${p.status}`).join(' ') : (result.errors?.[0]?.extensions?.code ?? 'error');
        answers.set(key, (answers.get(key) ?? 0) + 1);
        const done = [...answers.values()].reduce((a, b) => a + b, 0);
        if (done % 100 === 0) console.log(`  ${done} answered after ${seconds(started)} s; outbox pending ${await pending(s)}`);
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, writer));
    const answered = seconds(started);
    while (await pending(s) > 0) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      console.log(`  draining after ${seconds(started)} s: outbox pending ${await pending(s)}`);
    }
    const drained = seconds(started);

    const shop = proxy.counts();
    await s.close();
    closed = true;
    console.log('answers:');
    console.log(`  (${retried} writes read the version again after a refusal and were sent again)`);
    for (const [key, n] of [...answers].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${key}`);
    console.log('outbox (every write, in the request or later): system, applied writes, attempts, attempts per applied write');
    const db = new Database(dbPath, { readonly: true });
    const rows = db.prepare(`SELECT system, COUNT(*) AS applied, SUM(attempts) AS attempts FROM outbox WHERE status = 'APPLIED' GROUP BY system ORDER BY system`).all() as { system: string; applied: number; attempts: number }[];
    const failed = db.prepare(`SELECT COUNT(*) FROM outbox WHERE status = 'FAILED'`).pluck().get() as number;
    db.close();
    for (const r of rows) console.log(`  ${r.system.padEnd(9)} ${String(r.applied).padStart(5)} ${String(r.attempts).padStart(6)}  ${(r.attempts / r.applied).toFixed(2)}`);
    console.log(`  failed entries: ${failed}`);
    const requests = shop.requests - before.requests;
    const throttled = shop.throttled - before.throttled;
    console.log(`Shopify: ${requests} requests, ${throttled} answered THROTTLED (${((throttled / Math.max(1, requests)) * 100).toFixed(1)}% of requests; ${((throttled / WRITES) * 100).toFixed(1)}% of writes)`);
    console.log(`HubSpot: ${s.standIns.hubspot.totalRequests()} requests; Odoo: ${s.standIns.odoo.totalRequests()} requests`);
    console.log(`all answered after ${answered} s; outbox drained after ${drained} s`);
  } finally {
    if (!closed) await s.close();
    await proxy.close();
  }
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);
const pending = async (stack: Stack) => Object.values(await stack.sync!.store.outboxStats(Date.now())).reduce((n, s) => n + s.pending, 0);
