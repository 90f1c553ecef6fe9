import { describe, expect, it } from 'vitest';
import { useStack, type TestStack } from './harness.ts';
import { internalAuthHeader } from '../support/internal-token.ts';
import { UNIFIED_CUSTOMER_FIELDS } from '../load/queries.ts';
import { criticalPath } from '../bench/gateways/critical-path.ts';
import { traceCalls } from '../bench/gateways/standin-admin.ts';

/** Statuses are kept 2 minutes here (30 s by default): the tests after the first count on them, however slow the machine. */
// Record caches off: this file counts the requests a page costs when nothing is kept (test/e2e/record-cache.test.ts counts what is).
// The gateway's answer cache off: these count what the subgraphs ask their upstreams (test/e2e/answer-cache.test.ts has it on).
const t = useStack({ env: { MASTODON_STATUSES_TTL_MS: '120000', CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0', GATEWAY_ANSWER_CACHE_TTL_MS: '0' } });

/** The bench's S1 page (README "Performance"): account, orders with fulfilment, lifetime value, social profiles and their recent posts. */
const PAGE = (first: number) => `{ customers(first: ${first}) { edges { node { ${UNIFIED_CUSTOMER_FIELDS} } } } }`;

const STATUSES = 'mastodon GET /api/v1/accounts/{id}/statuses';

/** Runs the page and returns the upstream requests it caused, per stand-in endpoint. */
async function requestsFor(first: number): Promise<Record<string, number>> {
  t.stack.resetUpstreamCounters();
  const { body } = await t.gql(PAGE(first));
  expect(body.errors).toBeUndefined();
  expect(body.data.customers.edges).toHaveLength(first);
  return t.stack.upstreamCounters();
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const bySystem = (counts: Record<string, number>) => {
  const systems: Record<string, number> = {};
  for (const [endpoint, n] of Object.entries(counts)) systems[endpoint.split(' ')[0]] = (systems[endpoint.split(' ')[0]] ?? 0) + n;
  return systems;
};
/** Customers of the page with a Mastodon profile (each costs one statuses request when its posts are not kept). */
const profilesOn = async (first: number) => {
  const { body } = await t.gql(`{ customers(first: ${first}) { edges { node { socialProfiles { handle } } } } }`);
  return body.data.customers.edges.filter((e: { node: { socialProfiles: unknown[] } }) => e.node.socialProfiles.length > 0).length;
};

describe('no N+1 across the federated read path', () => {
  // First in the file: no statuses are kept yet.
  it('asks Mastodon once for each profile\'s posts, and not again within the TTL for another page size', async () => {
    const profiles = await profilesOn(50);
    const cold = await requestsFor(50);
    expect(cold[STATUSES]).toBe(profiles);
    expect((await requestsFor(10))[STATUSES]).toBeUndefined();
  });

  it('makes as many upstream requests for 50 customers as for 10, with recentPosts, at most one per system and query level', async () => {
    // Mastodon has no batch lookup by handle: the first sight of each handle costs one lookup, after which the
    // subgraph's handle→id cache lets one accounts?id[]= call serve the whole batch. Statuses are kept briefly.
    await requestsFor(50);
    const ten = await requestsFor(10);
    const fifty = await requestsFor(50);
    console.log(`upstream requests: first=10 → ${total(ten)}, first=50 → ${total(fifty)}`, fifty);
    expect(fifty).toEqual(ten);
    // hubspot: the search, then batch/read for version and sources; odoo: partners ∥ invoices, then sales orders
    // (currency and rates are kept); shopify: customers with their orders and totals; mastodon: accounts by id.
    expect(bySystem(fifty)).toEqual({ hubspot: 2, odoo: 3, shopify: 1, mastodon: 1 });
    expect(fifty).toEqual({
      'hubspot POST /crm/v3/objects/contacts/search': 1,
      'hubspot POST /crm/v3/objects/contacts/batch/read': 1,
      'odoo POST /json/2/res.partner/search_read': 1,
      'odoo POST /json/2/account.move/search_read': 1,
      'odoo POST /json/2/sale.order/search_read': 1,
      'shopify POST /admin/api/2025-10/graphql.json': 1,
      'mastodon GET /api/v1/accounts': 1,
    });
  });

  // The gateway's plan reads sources and version from the CRM last, after commerce → ERP (orders, then their sales
  // orders), and with no record cache the CRM reads its contacts again for them (batch/read): a fourth level.
  // Every other call of the page fits in three: the search; partners ∥ invoices ∥ shop customers with orders ∥
  // Mastodon accounts (and statuses, when not kept); sales orders.
  it('takes at most 3 dependent upstream levels besides the CRM\'s closing re-read with the record caches off', async () => {
    await requestsFor(50);
    const path = await tracedLevels(t, PAGE(50));
    expect(path.levels).toBeLessThanOrEqual(4);
    expect(path.withoutClosingRead).toBeLessThanOrEqual(3);
  });
});

// The record caches on, as they run by default (and in the bench).
const cached = useStack({ env: { MASTODON_STATUSES_TTL_MS: '120000' } });

/** Empties the read subgraphs' record caches and the gateway's answers, as the sync service would after writes to everything. */
async function dropRecordCaches() {
  const keys = (['crm', 'erp', 'commerce'] as const).map((name) => ({ system: name.toUpperCase(), kind: '*', id: '*' }));
  await Promise.all((['crm', 'erp', 'commerce'] as const).map(async (name, i) => {
    const route = cached.stack.subgraphs[name].url.replace(/graphql$/, 'internal/record-invalidation');
    const response = await fetch(route, { method: 'POST', body: JSON.stringify({ keys: [keys[i]] }), headers: await internalAuthHeader(name, []) });
    expect(response.status).toBe(204);
  }));
  const gateway = cached.stack.gatewayUrl.replace(/\/graphql$/, '/internal/record-invalidation');
  const response = await fetch(gateway, { method: 'POST', body: JSON.stringify({ keys }), headers: { 'content-type': 'application/json', ...await internalAuthHeader('gateway', []) } });
  expect(response.status).toBe(204);
}

describe('dependent upstream levels of the page with the record caches', () => {
  // The CRM reads the page's contacts by id right after its search (a look-ahead, since the gateway will ask
  // for sources and version last), beside the other subgraphs' first fetches; the closing fetch finds that
  // read in flight or kept. The shop lookup brings the orders of cached shop customers too.
  it('takes at most 3 levels and 7 requests for a page whose records are not kept, whatever its size', async () => {
    const { body } = await cached.gql(PAGE(50)); // Mastodon handles and statuses become known and kept.
    expect(body.errors).toBeUndefined();
    for (const first of [10, 50]) {
      await dropRecordCaches();
      cached.stack.resetUpstreamCounters();
      const path = await tracedLevels(cached, PAGE(first));
      expect(path.levels).toBeLessThanOrEqual(3);
      const counts = cached.stack.upstreamCounters();
      expect(counts['hubspot POST /crm/v3/objects/contacts/batch/read']).toBe(1);
      expect(total(counts)).toBeLessThanOrEqual(7);
    }
  });

  it('takes at most 3 levels for a page asked again, its records kept', async () => {
    await cached.gql(PAGE(50));
    expect((await tracedLevels(cached, PAGE(50))).levels).toBeLessThanOrEqual(3);
  });
});

/**
 * Runs `query` with every stand-in answering 250 ms late, and the dependent levels of its trace. The levels
 * are read from timing, so calls of one level must overlap however the machine schedules them: the CRM's
 * read ahead starts as soon as its search answers, before the gateway has sent that level's other
 * fetches, and on a loaded machine that takes well over 100 ms.
 */
async function tracedLevels(stack: TestStack, query: string): Promise<{ levels: number; withoutClosingRead: number }> {
  const standIns = Object.values(stack.stack.standIns);
  standIns.forEach((s) => s.setFaults({ latencyMs: 250 }));
  try {
    const spans = await traceCalls(standIns.map((s) => s.url), async () => expect((await stack.gql(query)).body.errors).toBeUndefined());
    const path = criticalPath(spans);
    console.log(`dependent levels: ${path.levels}: ${path.chain.map((s) => `${s.standIn} ${s.endpoint}`).join(' → ')}`);
    return { levels: path.levels, withoutClosingRead: criticalPath(spans.filter((s) => s.endpoint !== 'POST /crm/v3/objects/contacts/batch/read')).levels };
  } finally {
    standIns.forEach((s) => s.setFaults({}));
  }
}
