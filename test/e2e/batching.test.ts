import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
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
  // orders), and the CRM reads its contacts again for them (batch/read): that is the fourth level. Every other
  // call of the page fits in three: the search; partners ∥ invoices ∥ shop customers with orders ∥ Mastodon accounts
  // (and statuses, when not kept); sales orders.
  it('takes at most 3 dependent upstream levels for a page besides the CRM\'s closing re-read, in the stand-ins\' traces', async () => {
    await requestsFor(50);
    // Long upstream answers, so that calls of one level overlap however the machine schedules them.
    const standIns = Object.values(t.stack.standIns);
    standIns.forEach((s) => s.setFaults({ latencyMs: 100 }));
    try {
      const spans = await traceCalls(standIns.map((s) => s.url), () => t.gql(PAGE(50)));
      const path = criticalPath(spans);
      console.log(`dependent levels: ${path.levels}: ${path.chain.map((s) => `${s.standIn} ${s.endpoint}`).join(' → ')}`);
      expect(path.levels).toBeLessThanOrEqual(4);
      expect(criticalPath(spans.filter((s) => s.endpoint !== 'POST /crm/v3/objects/contacts/batch/read')).levels).toBeLessThanOrEqual(3);
    } finally {
      standIns.forEach((s) => s.setFaults({}));
    }
  });
});
