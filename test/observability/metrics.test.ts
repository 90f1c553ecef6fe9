/**
 * GET /metrics on the gateway and the subgraphs, scraped before and after a scripted mix of requests:
 * every counter the mix touches moved by exactly what the mix did, and nothing else moved on the gateway.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack, type GraphQLResult } from '../e2e/harness.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { delta, scrape, valueOf, type Samples } from '../support/prometheus.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';

const t = useStack();

const CARD = 'query CustomerCard($id: ID!) { customer(id: $id) { name version } }';
const UPDATE = `mutation UpdateCustomer($id: ID!, $v: String!) {
  updateCustomer(id: $id, expectedVersion: $v, input: { company: "Metrics Ltd" }) { customer { version } } }`;
const PROFILES = 'query Profiles($id: ID!) { customer(id: $id) { socialProfiles { handle } } }';
/** Deeper than the default depth limit (10). */
const DEEP = 'query Deep { orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { number } } } } } } } } } } } }';

const SUBGRAPHS = ['crm', 'erp', 'commerce', 'social', 'sync'] as const;
const base = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, '');

type Scrapes = { gateway: Samples } & Record<(typeof SUBGRAPHS)[number], Samples>;

async function scrapeAll(): Promise<Scrapes> {
  const subgraphs = await Promise.all(SUBGRAPHS.map((name) => scrape(base(t.stack.subgraphs[name]!.url))));
  return { gateway: await scrape(base(t.stack.gatewayUrl)), ...Object.fromEntries(SUBGRAPHS.map((name, i) => [name, subgraphs[i]])) } as Scrapes;
}

/** How much `name` moved over every series whose labels include `labels`, summed over the five subgraphs. */
function movedInSubgraphs(before: Scrapes, after: Scrapes, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return SUBGRAPHS.reduce((sum, subgraph) => sum + Object.entries(delta(before[subgraph], after[subgraph], `${name}{`))
    .filter(([key]) => wanted.every((label) => key.includes(label)))
    .reduce((n, [, moved]) => n + moved, 0), 0);
}

const codesIn = (results: GraphQLResult[]) => results.flatMap((r) => (r.body.errors ?? []).map((e) => String(e.extensions?.code)));

describe('GET /metrics', () => {
  let id: string;

  beforeAll(async () => {
    const { hubspot, mastodon } = t.stack.dataset;
    const accts = new Set(mastodon.accounts.map((a) => `${a.username}@${mastodon.domain}`.toLowerCase()));
    const contact = hubspot.contacts.find((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname
      && accts.has(c.properties.mastodon_acct?.toLowerCase() ?? ''))!;
    id = encodeId('Customer', contact.id);
    // No webhooks: the stand-ins' deliveries after the write would call the upstreams in the background.
    for (const standIn of [t.stack.standIns.hubspot, t.stack.standIns.shopify]) {
      await fetch(`${standIn.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    }
  });

  it('serves the Prometheus text format on the gateway and every subgraph, each with its own registry', async () => {
    const res = await fetch(`${base(t.stack.gatewayUrl)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const scrapes = await scrapeAll();
    expect(valueOf(scrapes.gateway, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    for (const name of SUBGRAPHS) expect([...scrapes[name].keys()].some((k) => k.includes(`subgraph="${name}"`))).toBe(true);
    expect([...scrapes.crm.keys()].some((k) => k.startsWith('sync_'))).toBe(false);
  });

  it('moves every counter by exactly what a mix of queries, a mutation, a conflict, refusals and a failing upstream did', async () => {
    const before = await scrapeAll();
    const hubspotBefore = t.stack.standIns.hubspot.totalRequests();
    const mastodonBefore = t.stack.standIns.mastodon.totalRequests();

    const cards = [await t.gql(CARD, { id }), await t.gql(CARD, { id })];
    const { version } = cards[0].body.data.customer;
    const written = await t.gql(UPDATE, { id, v: version });
    const conflict = await t.gql(UPDATE, { id, v: version });
    const deep = await t.gql(DEEP);
    const anonymous = await t.gql(CARD, { id }, { authorization: '' });
    // The next Mastodon call answers 500.
    await fetch(`${t.stack.standIns.mastodon.url}/__admin/faults`, { method: 'POST', body: JSON.stringify({ failStatus: 500, count: 1 }) });
    const profiles = await t.gql(PROFILES, { id });
    const after = await scrapeAll();

    expect(cards.map((c) => c.body.errors)).toEqual([undefined, undefined]);
    expect(written.body.errors).toBeUndefined();
    expect(conflict.body.errors?.map((e) => e.extensions?.code)).toEqual(['VERSION_CONFLICT']);
    expect(deep.body.errors?.map((e) => e.extensions?.measure)).toEqual(['depth']);
    expect(anonymous.status).toBe(401);
    expect(profiles.body.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_ERROR']);

    expect(delta(before.gateway, after.gateway, 'gateway_requests_total')).toEqual({
      'gateway_requests_total{operation="CustomerCard",outcome="success"}': 2,
      'gateway_requests_total{operation="UpdateCustomer",outcome="success"}': 1,
      'gateway_requests_total{operation="UpdateCustomer",outcome="failed"}': 1,
      'gateway_requests_total{operation="Profiles",outcome="partial"}': 1,
      'gateway_requests_total{operation="unknown",outcome="refused"}': 2,
    });
    expect(delta(before.gateway, after.gateway, 'gateway_request_duration_seconds_count')).toEqual({
      'gateway_request_duration_seconds_count{operation="CustomerCard"}': 2,
      'gateway_request_duration_seconds_count{operation="UpdateCustomer"}': 2,
      'gateway_request_duration_seconds_count{operation="Profiles"}': 1,
      'gateway_request_duration_seconds_count{operation="unknown"}': 2,
    });
    expect(codesIn([...cards, written, conflict, deep, anonymous, profiles]).sort()).toEqual(['QUERY_TOO_COMPLEX', 'UNAUTHENTICATED', 'UPSTREAM_ERROR', 'VERSION_CONFLICT']);
    expect(delta(before.gateway, after.gateway, 'gateway_errors_total')).toEqual({
      'gateway_errors_total{code="QUERY_TOO_COMPLEX"}': 1,
      'gateway_errors_total{code="UNAUTHENTICATED"}': 1,
      'gateway_errors_total{code="UPSTREAM_ERROR"}': 1,
      'gateway_errors_total{code="VERSION_CONFLICT"}': 1,
    });
    expect(delta(before.gateway, after.gateway, 'gateway_refusals_total')).toEqual({ 'gateway_refusals_total{limit="depth"}': 1 });
    expect(delta(before.gateway, after.gateway, 'gateway_auth_failures_total')).toEqual({ 'gateway_auth_failures_total{reason="missing"}': 1 });

    // The subgraphs: the conflict once where it was found, the failing call once, every upstream call counted once.
    expect(delta(before.sync, after.sync, 'sync_version_conflicts_total')).toEqual({ 'sync_version_conflicts_total{source="request",subgraph="sync"}': 1 });
    expect(movedInSubgraphs(before, after, 'subgraph_errors_total', { code: 'VERSION_CONFLICT' })).toBe(1);
    expect(movedInSubgraphs(before, after, 'subgraph_upstream_requests_total', { system: 'Mastodon', status: '500' })).toBe(1);
    expect(movedInSubgraphs(before, after, 'subgraph_upstream_requests_total', { system: 'Mastodon' })).toBe(t.stack.standIns.mastodon.totalRequests() - mastodonBefore);
    expect(movedInSubgraphs(before, after, 'subgraph_upstream_requests_total', { system: 'HubSpot' })).toBe(t.stack.standIns.hubspot.totalRequests() - hubspotBefore);
    expect(movedInSubgraphs(before, after, 'subgraph_upstream_request_duration_seconds_count', { system: 'HubSpot' })).toBe(t.stack.standIns.hubspot.totalRequests() - hubspotBefore);
  });

  it('counts the Mastodon account cache: a miss for an acct first seen, then a hit', async () => {
    const acctId = encodeId('Customer', t.stack.dataset.hubspot.contacts.find((c) => c.properties.mastodon_acct && encodeId('Customer', c.id) !== id)!.id);
    const before = await scrape(base(t.stack.subgraphs.social.url));
    await t.gql(PROFILES, { id: acctId });
    // Named apart, so the gateway asks the subgraph again rather than answer from its answer cache.
    await t.gql(PROFILES.replace('query Profiles', 'query ProfilesAgain'), { id: acctId });
    const after = await scrape(base(t.stack.subgraphs.social.url));
    expect(delta(before, after, 'subgraph_cache_lookups_total')).toEqual({
      'subgraph_cache_lookups_total{cache="mastodon_acct",result="hit",subgraph="social"}': 1,
      'subgraph_cache_lookups_total{cache="mastodon_acct",result="miss",subgraph="social"}': 1,
      // The lookup, then accounts?id[]=: Mastodon reads are shareable, neither found an identical one in flight.
      'subgraph_cache_lookups_total{cache="upstream_in_flight",result="miss",subgraph="social"}': 2,
    });
  });

  it('reports the outbox and the breakers when scraped, and counts a reconciliation pass and a refused webhook', async () => {
    const syncBase = base(t.stack.subgraphs.sync!.url);
    const before = await scrape(syncBase);
    await t.stack.sync!.reconciler.run({ since: null, dryRun: true });
    const res = await fetch(`${syncBase}/webhooks/hubspot`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
    expect(res.status).toBe(401);
    const after = await scrape(syncBase);

    expect(delta(before, after, 'sync_reconcile_runs_total')).toEqual({ 'sync_reconcile_runs_total{status="DONE",subgraph="sync"}': 1 });
    expect(valueOf(after, 'sync_reconcile_duration_seconds_count', { subgraph: 'sync' }) - valueOf(before, 'sync_reconcile_duration_seconds_count', { subgraph: 'sync' })).toBe(1);
    expect(delta(before, after, 'sync_webhook_deliveries_total')).toEqual({ 'sync_webhook_deliveries_total{result="bad_signature",source="HUBSPOT",subgraph="sync"}': 1 });
    const stats = await t.stack.sync!.store.outboxStats(Date.now());
    for (const system of ['CRM', 'ERP', 'COMMERCE'] as const) {
      expect(valueOf(after, 'sync_outbox_pending', { subgraph: 'sync', system })).toBe(stats[system].pending);
      expect(valueOf(after, 'sync_breaker_state', { subgraph: 'sync', system, state: 'CLOSED' })).toBe(1);
      expect(valueOf(after, 'sync_breaker_state', { subgraph: 'sync', system, state: 'OPEN' })).toBe(0);
    }
  });

  it('counts each webhook delivery by answer and each event once received and once per settling', async () => {
    const { hubspot } = t.stack.standIns;
    const sync = t.stack.sync!;
    const syncBase = base(t.stack.subgraphs.sync!.url);
    const contact = t.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.firstname)[5];
    await fetch(`${hubspot.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: true }) });
    const before = await scrape(syncBase);
    const deliveriesBefore = hubspot.deliveries().length;
    const eventsBefore = (await sync.store.inboxEvents('HUBSPOT')).length;

    // Someone edits the contact in HubSpot's UI: HubSpot sends its webhook, the inbox worker propagates it.
    const edit = await fetch(`${hubspot.url}/crm/v3/objects/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json', 'x-standin-change-source': 'CRM_UI' },
      body: JSON.stringify({ properties: { phone: '+33 6 98 76 54 77' } }),
    });
    expect(edit.status).toBe(200);
    await hubspot.webhooksSettled();
    await sync.inbox.drain();
    await sync.worker.drain();
    await fetch(`${hubspot.url}/__admin/webhooks`, { method: 'POST', body: JSON.stringify({ enabled: false }) });
    const after = await scrape(syncBase);

    const deliveries = hubspot.deliveries().slice(deliveriesBefore);
    const events = (await sync.store.inboxEvents('HUBSPOT')).slice(eventsBefore);
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.status === 200)).toBe(true);
    expect(delta(before, after, 'sync_webhook_deliveries_total')).toEqual({
      'sync_webhook_deliveries_total{result="accepted",source="HUBSPOT",subgraph="sync"}': deliveries.reduce((n, d) => n + d.attempts, 0),
    });
    const expected: Record<string, number> = {};
    const add = (result: string, n = 1) => { if (n > 0) expected[`sync_webhook_events_total{result="${result}",subgraph="sync"}`] = (expected[`sync_webhook_events_total{result="${result}",subgraph="sync"}`] ?? 0) + n; };
    add('received', events.length);
    for (const event of events) {
      add(event.status === 'FAILED' ? 'failed' : String(event.outcome).toLowerCase());
      // Every mark counts an attempt: the ones before the settling one were retries.
      add('retried', event.attempts - 1);
    }
    expect(events.length).toBeGreaterThan(0);
    expect(delta(before, after, 'sync_webhook_events_total')).toEqual(expected);
  });

  it('counts the discrepancies a pass records, by kind: at least as many as the pass reports found', async () => {
    const syncBase = base(t.stack.subgraphs.sync!.url);
    const before = await scrape(syncBase);
    const summary = await t.stack.sync!.reconciler.run({ since: null, dryRun: false });
    const after = await scrape(syncBase);
    const found = Object.values(summary.stats).reduce((n, s) => n + s.discrepanciesFound, 0);
    // The default dataset plants disagreements, so a first pass finds some.
    expect(found).toBeGreaterThan(0);
    const counted = Object.values(delta(before, after, 'sync_reconcile_discrepancies_total')).reduce((n, v) => n + v, 0);
    // The metric counts each recording; the pass counts each record once even when it compared it twice.
    expect(counted).toBeGreaterThanOrEqual(found);
  });
});
