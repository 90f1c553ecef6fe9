/**
 * Partial failure over HTTP through the gateway: an upstream that is down or answers 500 makes only its
 * fields null or empty, each with an error at the field's path naming the subgraph, while the rest of
 * the customer is served; no error names a federation-internal field, a host or a stack.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUPERGRAPH_PATH } from '../../schema/compose.ts';
import { inaccessibleFieldNames } from '../../gateway/plugins/hide-internal-errors.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { decodeVersion, unavailableSystems } from '../../subgraphs/shared/version.ts';
import type { Faults } from '../../upstreams/shared/standin.ts';
import { useStack, type GraphQLResult } from './harness.ts';

// Without the record cache, which would answer a record read before the outage from memory (test/e2e/record-cache.test.ts).
// No cache of records or of answers: each request meets the fault the test injects.
const t = useStack({ env: { ODOO_TIMEOUT_MS: '500', SHOPIFY_TIMEOUT_MS: '500', MASTODON_TIMEOUT_MS: '500', CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0', GATEWAY_ANSWER_CACHE_TTL_MS: '0' } });

const INTERNAL = inaccessibleFieldNames(readFileSync(SUPERGRAPH_PATH, 'utf8'));

const CUSTOMER = `id name email version sources { system linkedBy } account { number }
  orders(first: 1) { edges { node { number } } pageInfo { hasNextPage endCursor } }
  socialProfiles { handle recentPosts(first: 1) { text } }`;
const ONE = `query($id: ID!) { customer(id: $id) { ${CUSTOMER} } }`;

/** A customer with records in all four systems, and shop orders. */
function linkedCustomerId(): string {
  const { hubspot, shopify, mastodon } = t.stack.dataset;
  const accts = new Set(mastodon.accounts.map((a) => `${a.username}@${mastodon.domain}`.toLowerCase()));
  const buyers = new Set(shopify.orders.map((o) => `gid://shopify/Customer/${o.customerId}`));
  const contact = hubspot.contacts.find((c) => c.properties.erp_partner_id && buyers.has(c.properties.shop_customer_id ?? '')
    && accts.has(c.properties.mastodon_acct?.toLowerCase() ?? ''))!;
  return encodeId('Customer', contact.id);
}

type Name = 'hubspot' | 'odoo' | 'shopify' | 'mastodon';
async function withFaults<T>(name: Name, faults: Faults, run: () => Promise<T>): Promise<T> {
  t.stack.standIns[name].setFaults(faults);
  try {
    return await run();
  } finally {
    t.stack.standIns[name].setFaults({});
  }
}

/** What no failure response may contain: internal field names in paths, ports, hosts, stack traces. */
function expectClean(result: GraphQLResult): void {
  for (const error of result.body.errors ?? []) {
    expect(error.path?.filter((p) => typeof p === 'string' && INTERNAL.has(p)), JSON.stringify(error.path)).toEqual([]);
    expect(error.extensions?.code).toMatch(/^UPSTREAM_(UNAVAILABLE|ERROR)$/);
    expect(error.extensions?.serviceName).toEqual(expect.any(String));
  }
  const { stack } = t;
  for (const s of [...Object.values(stack.standIns), ...Object.values(stack.subgraphs)]) if (s) expect(result.text).not.toContain(String(s.port));
  expect(result.text).not.toMatch(/127\.0\.0\.1|localhost|stacktrace|at .*\.ts:\d+|"UNAVAILABLE"|<unavailable>/);
}

const errorAt = (result: GraphQLResult, path: (string | number)[]) => result.body.errors?.filter((e) => JSON.stringify(e.path) === JSON.stringify(path)) ?? [];

describe('Shopify down', () => {
  it('serves the customer with orders as the empty connection, sources without COMMERCE and a version, each with an error at its path', async () => {
    const id = linkedCustomerId();
    const healthy = await t.gql(ONE, { id });
    expect(healthy.body.errors).toBeUndefined();
    expect(healthy.body.data.customer.sources.map((s: any) => s.system)).toEqual(['CRM', 'ERP', 'COMMERCE', 'SOCIAL']);

    const result = await withFaults('shopify', { down: true }, () => t.gql(ONE, { id }));
    const customer = result.body.data.customer;
    expect(customer).toMatchObject({
      id, name: healthy.body.data.customer.name, email: healthy.body.data.customer.email,
      account: healthy.body.data.customer.account,
      socialProfiles: healthy.body.data.customer.socialProfiles,
      orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
    });
    expect(customer.account).not.toBeNull();
    expect(customer.sources.map((s: any) => s.system)).toEqual(['CRM', 'ERP', 'SOCIAL']);
    expect(customer.version).toEqual(expect.any(String));

    expect(errorAt(result, ['customer', 'orders'])).toEqual([expect.objectContaining({
      message: 'Shopify is unreachable.', extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', serviceName: 'commerce' }),
    })]);
    expect(errorAt(result, ['customer', 'sources'])).toEqual([expect.objectContaining({
      message: 'The commerce record could not be read; sources omits it.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm', system: 'COMMERCE' },
    })]);
    expect(errorAt(result, ['customer', 'version'])).toEqual([expect.objectContaining({
      message: 'This version does not cover the commerce record, which could not be read.',
      extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm', system: 'COMMERCE' },
    })]);
    expect(result.body.errors).toHaveLength(3);
    expectClean(result);
  });

  it("maps each customer's _entities error onto its own path in a list", async () => {
    const query = `{ customers(first: 3) { edges { node { name orders(first: 1) { edges { cursor } } } } } }`;
    const result = await withFaults('shopify', { failStatus: 500 }, () => t.gql(query));
    const edges = result.body.data.customers.edges;
    expect(edges).toHaveLength(3);
    for (const edge of edges) expect(edge.node).toEqual({ name: expect.any(String), orders: { edges: [] } });
    const paths = result.body.errors!.map((e) => e.path);
    // Customers without a shop record have no orders to lose, hence no error.
    for (const path of paths) expect(path).toEqual(['customers', 'edges', expect.any(Number), 'node', 'orders']);
    expect(paths.length).toBeGreaterThan(0);
    for (const error of result.body.errors!) expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', serviceName: 'commerce' });
    expectClean(result);
  });

  it('makes lifetimeValue null with UPSTREAM_UNAVAILABLE at its path, the customer intact', async () => {
    const id = linkedCustomerId();
    const query = `query($id: ID!) { customer(id: $id) { name account { number } lifetimeValue { amount currency } eur: lifetimeValue(currency: "EUR") { amount } } }`;
    expect((await t.gql(query, { id })).body.data.customer.lifetimeValue).not.toBeNull();
    const result = await withFaults('shopify', { down: true }, () => t.gql(query, { id }));
    expect(result.body.data.customer).toEqual({ name: expect.any(String), account: { number: expect.any(String) }, lifetimeValue: null, eur: null });
    for (const key of ['lifetimeValue', 'eur']) {
      expect(errorAt(result, ['customer', key])).toEqual([expect.objectContaining({
        message: 'Order totals from commerce are unavailable.', extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'erp' },
      })]);
    }
    expectClean(result);
  });
});

describe('Mastodon answering 500', () => {
  it('makes socialProfiles [] with UPSTREAM_ERROR at its path, the rest intact', async () => {
    const id = linkedCustomerId();
    const healthy = await t.gql(ONE, { id });
    expect(healthy.body.data.customer.socialProfiles).toHaveLength(1);
    const result = await withFaults('mastodon', { failStatus: 500 }, () => t.gql(ONE, { id }));
    const { socialProfiles, sources, ...rest } = result.body.data.customer;
    const { socialProfiles: _profiles, sources: healthySources, ...healthyRest } = healthy.body.data.customer;
    expect(socialProfiles).toEqual([]);
    expect(rest).toEqual(healthyRest);
    expect(sources).toEqual(healthySources.filter((s: any) => s.system !== 'SOCIAL'));
    expect(errorAt(result, ['customer', 'socialProfiles'])).toEqual([expect.objectContaining({
      message: 'Mastodon failed (HTTP 500).', extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR', serviceName: 'social' }),
    })]);
    expect(errorAt(result, ['customer', 'sources'])).toEqual([expect.objectContaining({ extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm', system: 'SOCIAL' } })]);
    // The version covers CRM, ERP and commerce only: Mastodon's failure leaves it as it was.
    expect(errorAt(result, ['customer', 'version'])).toEqual([]);
    expect(result.body.errors).toHaveLength(2);
    expectClean(result);
  });
});

describe('version tokens when a source fails', () => {
  it('differ from the token when all systems answer and from the no-record token', async () => {
    const id = linkedCustomerId();
    const query = `query($id: ID!) { customer(id: $id) { version } }`;
    const healthy = (await t.gql(query, { id })).body.data.customer.version as string;
    for (const [name, system] of [['shopify', 'COMMERCE'], ['odoo', 'ERP']] as const) {
      for (const faults of [{ down: true }, { failStatus: 500 }]) {
        const result = await withFaults(name, faults, () => t.gql(query, { id }));
        const degraded = result.body.data.customer.version as string;
        expect(degraded).not.toBe(healthy);
        expect(unavailableSystems(degraded)).toEqual([system]);
        // The token for "no record in that system": the healthy one with that system's hash replaced by "none".
        const hashes = { ...decodeVersion(healthy)!, [system]: 'none' };
        const noRecord = Buffer.from(`v1.${Object.entries(hashes).map(([s, h]) => `${s}:${h}`).join('.')}`).toString('base64url');
        expect(decodeVersion(noRecord)![system]).toBe('none');
        expect(degraded).not.toBe(noRecord);
        // Only the failed system's part differs.
        expect(Object.entries(decodeVersion(degraded)!).filter(([s, h]) => decodeVersion(healthy)![s as 'CRM'] !== h).map(([s]) => s)).toEqual([system]);
        expect(errorAt(result, ['customer', 'version'])).toHaveLength(1);
        expectClean(result);
      }
    }
  });

  it('Order.version marks the ERP as unread when Odoo is down, with an error at its path', async () => {
    const query = `{ orders(first: 2) { edges { node { number version } } } }`;
    const healthy = (await t.gql(query)).body.data.orders.edges.map((e: any) => e.node.version);
    const result = await withFaults('odoo', { down: true }, () => t.gql(query));
    const versions = result.body.data.orders.edges.map((e: any) => e.node.version);
    versions.forEach((v: string, i: number) => {
      expect(v).not.toBe(healthy[i]);
      expect(unavailableSystems(v)).toEqual(['ERP']);
    });
    expect(result.body.errors!.map((e) => [e.path, e.extensions?.code, e.extensions?.serviceName])).toEqual([
      [['orders', 'edges', 0, 'node', 'version'], 'UPSTREAM_UNAVAILABLE', 'commerce'],
      [['orders', 'edges', 1, 'node', 'version'], 'UPSTREAM_UNAVAILABLE', 'commerce'],
    ]);
    expectClean(result);
  });
});
