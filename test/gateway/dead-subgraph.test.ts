/**
 * Each subgraph process killed in turn under one query over every system with three root fields: what
 * the dead subgraph would have resolved degrades as it does when that system's upstream is down (null,
 * [], the empty page, a version marked for the system), with errors only at its paths, and everything
 * else is served exactly as with all alive; once it is started again the answer is complete again.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { decodeVersion } from '../../subgraphs/shared/version.ts';
import type { GraphQLResult } from '../e2e/harness.ts';
import { useSubgraphProcesses, type SubgraphName } from '../support/subgraph-processes.ts';

// The answer cache off: answers kept from the healthy run would (rightly) answer while a subgraph is dead.
const s = useSubgraphProcesses({ GATEWAY_ANSWER_CACHE_TTL_MS: '0' });

const QUERY = `query($id: ID!, $sku: ID!) {
  customer(id: $id) {
    name email version sources { system } account { number balance { amount } }
    orders(first: 2) { edges { node { number fulfillment { status } } } }
    lifetimeValue { amount } socialProfiles { handle } discrepancies { kind }
  }
  orders(first: 2) { edges { node { number customer { name } } } }
  product(sku: $sku) { sku title price { amount } stock { warehouse onHand } }
}`;

type Data = any;
type ExpectedError = { message: string; path: (string | number)[]; extensions: Record<string, unknown> };

const unavailable = (name: SubgraphName, path: ExpectedError['path']): ExpectedError =>
  ({ message: `The ${name} subgraph is unavailable.`, path, extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: name } });

/** The CRM's own reports on a system it could not read, as when that system's upstream is down. */
const RECORD = { ERP: 'ERP', COMMERCE: 'commerce', SOCIAL: 'social' } as const;
const sourcesGap = (system: keyof typeof RECORD): ExpectedError => ({
  message: `The ${RECORD[system]} record could not be read; sources omits it.`,
  path: ['customer', 'sources'], extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm', system },
});
const versionGap = (system: 'ERP' | 'COMMERCE'): ExpectedError => ({
  message: `This version does not cover the ${RECORD[system]} record, which could not be read.`,
  path: ['customer', 'version'], extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm', system },
});

/** The healthy version token with one system's part marked unavailable. */
function versionWithout(healthy: string, system: 'ERP' | 'COMMERCE'): string {
  const parts = { ...decodeVersion(healthy)!, [system]: 'unavailable' };
  return Buffer.from(`v1.${Object.entries(parts).map(([k, v]) => `${k}:${v}`).join('.')}`).toString('base64url');
}

const withoutSource = (customer: Data, system: string) => customer.sources.filter((x: { system: string }) => x.system !== system);

/** Per subgraph: the healthy answer's data as it must be while it is dead, and the errors it must carry. */
const WHEN_DEAD: Record<SubgraphName, { data(healthy: Data): Data; errors: ExpectedError[] }> = {
  crm: {
    data: (h) => ({
      ...h, customer: null,
      orders: { edges: h.orders.edges.map((e: Data) => ({ node: { ...e.node, customer: null } })) },
    }),
    errors: [
      unavailable('crm', ['customer']),
      unavailable('crm', ['orders', 'edges', 0, 'node', 'customer']),
      unavailable('crm', ['orders', 'edges', 1, 'node', 'customer']),
    ],
  },
  erp: {
    data: (h) => ({
      ...h,
      customer: {
        ...h.customer, account: null, lifetimeValue: null,
        version: versionWithout(h.customer.version, 'ERP'), sources: withoutSource(h.customer, 'ERP'),
        orders: { edges: h.customer.orders.edges.map((e: Data) => ({ node: { ...e.node, fulfillment: null } })) },
      },
      product: { ...h.product, stock: [] },
    }),
    errors: [
      unavailable('erp', ['customer', 'account']),
      unavailable('erp', ['customer', 'lifetimeValue']),
      unavailable('erp', ['customer', 'orders', 'edges', 0, 'node', 'fulfillment']),
      unavailable('erp', ['customer', 'orders', 'edges', 1, 'node', 'fulfillment']),
      unavailable('erp', ['product', 'stock']),
      sourcesGap('ERP'),
      versionGap('ERP'),
    ],
  },
  commerce: {
    data: (h) => ({
      customer: {
        ...h.customer, orders: { edges: [] }, lifetimeValue: null,
        version: versionWithout(h.customer.version, 'COMMERCE'), sources: withoutSource(h.customer, 'COMMERCE'),
      },
      orders: { edges: [] },
      product: null,
    }),
    errors: [
      unavailable('commerce', ['customer', 'orders']),
      unavailable('commerce', ['orders']),
      unavailable('commerce', ['product']),
      // lifetimeValue is the ERP's sum of the shop's totals, which it reports missing.
      { message: 'Order totals from commerce are unavailable.', path: ['customer', 'lifetimeValue'], extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'erp' } },
      sourcesGap('COMMERCE'),
      versionGap('COMMERCE'),
    ],
  },
  social: {
    data: (h) => ({ ...h, customer: { ...h.customer, socialProfiles: [], sources: withoutSource(h.customer, 'SOCIAL') } }),
    errors: [unavailable('social', ['customer', 'socialProfiles']), sourcesGap('SOCIAL')],
  },
  sync: {
    data: (h) => ({ ...h, customer: { ...h.customer, discrepancies: [] } }),
    errors: [unavailable('sync', ['customer', 'discrepancies'])],
  },
};

const byPath = (errors: ExpectedError[] = []) => [...errors].sort((a, b) => JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)));

describe('a subgraph process that dies', () => {
  let variables: { id: string; sku: string };
  let healthy: GraphQLResult;

  beforeAll(async () => {
    const { hubspot, shopify, mastodon } = s.dataset;
    // A customer with records in all four systems and shop orders, so that every subgraph has a part.
    const accts = new Set(mastodon.accounts.map((a) => `${a.username}@${mastodon.domain}`.toLowerCase()));
    const buyers = new Set(shopify.orders.map((o) => `gid://shopify/Customer/${o.customerId}`));
    const contact = hubspot.contacts.find((c) => c.properties.erp_partner_id && buyers.has(c.properties.shop_customer_id ?? '')
      && accts.has(c.properties.mastodon_acct?.toLowerCase() ?? ''))!;
    variables = { id: encodeId('Customer', contact.id), sku: shopify.variants[0].sku };
    healthy = await s.gql(QUERY, variables);
  });

  it('answers the query completely while all are alive', () => {
    expect(healthy.body.errors).toBeUndefined();
    const { customer, orders, product } = healthy.body.data;
    expect(customer.sources.map((x: { system: string }) => x.system)).toEqual(['CRM', 'ERP', 'COMMERCE', 'SOCIAL']);
    expect([customer.account, customer.lifetimeValue, product]).not.toContain(null);
    expect(customer.orders.edges).toHaveLength(2);
    expect(customer.socialProfiles).toHaveLength(1);
    expect(orders.edges.map((e: Data) => e.node.customer)).not.toContain(null);
    expect(product.stock.length).toBeGreaterThan(0);
  });

  for (const name of ['crm', 'erp', 'commerce', 'social', 'sync'] as const) {
    it(`costs only the ${name} subgraph's fields while it is killed, and answers completely once it is back`, async () => {
      await s.kill(name);
      const dead = await s.gql(QUERY, variables);
      expect(dead.status).toBe(200);
      expect(dead.body.data).toEqual(WHEN_DEAD[name].data(healthy.body.data));
      expect(byPath(dead.body.errors as ExpectedError[])).toEqual(byPath(WHEN_DEAD[name].errors));
      expect(dead.text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|fetch failed/);

      await s.start(name);
      expect((await s.gql(QUERY, variables)).body).toEqual(healthy.body);
    });
  }

  it('never answers a mutation to a dead sync subgraph as if it ran', async () => {
    const mutation = `mutation($id: ID!, $version: String!) {
      updateCustomer(id: $id, expectedVersion: $version, input: { company: "Written While Dead" }) { customer { company } sync { system status } }
    }`;
    await s.kill('sync');
    const dead = await s.gql(mutation, { id: variables.id, version: healthy.body.data.customer.version });
    expect(dead.body).toEqual({ data: null, errors: [unavailable('sync', ['updateCustomer'])] });

    await s.start('sync');
    const after = await s.gql('query($id: ID!) { customer(id: $id) { company version } }', { id: variables.id });
    expect(after.body.data.customer.company).not.toBe('Written While Dead');
    expect(after.body.data.customer.version).toBe(healthy.body.data.customer.version);
  });
});
