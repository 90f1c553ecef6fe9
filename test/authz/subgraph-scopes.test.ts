/**
 * Defense in depth: each subgraph enforces its own SDL's @requiresScopes rules against the caller in
 * the gateway's internal token, so a direct request (here with a valid internal token, as if the
 * gateway's own check were bypassed) gets no field it lacks the scope for, `_entities` included.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { upstreamWrites } from '../e2e/upstream-views.ts';
import { ALL_SCOPES } from '../support/dev-token.ts';
import { internalAuthHeader } from '../support/internal-token.ts';
import type { SubgraphName } from '../../schema/subgraphs.ts';

const t = useStack();

const without = (scope: string) => ALL_SCOPES.filter((s) => s !== scope);

async function subgraphGql(subgraph: SubgraphName, query: string, variables: Record<string, unknown>, scopes: readonly string[]) {
  const res = await fetch(t.stack.subgraphs[subgraph]!.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await internalAuthHeader(subgraph, scopes)) },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] }>;
}

interface EntityField {
  coordinate: string;
  scope: string;
  subgraph: SubgraphName;
  /** The selection on Customer, and the path below `_entities[0]` of the protected value. */
  selection: string;
  below: (string | number)[];
  /** Stand-ins only this field needs: none of them is called when it is hidden. */
  onlyFor: string[];
}

const FIELDS: EntityField[] = [
  { coordinate: 'Customer.email', scope: 'pii:read', subgraph: 'crm', selection: 'email', below: ['email'], onlyFor: [] },
  { coordinate: 'Customer.phone', scope: 'pii:read', subgraph: 'crm', selection: 'phone', below: ['phone'], onlyFor: [] },
  { coordinate: 'Customer.address', scope: 'pii:read', subgraph: 'crm', selection: 'address { city }', below: ['address'], onlyFor: [] },
  { coordinate: 'Customer.birthDate', scope: 'pii:read', subgraph: 'crm', selection: 'birthDate', below: ['birthDate'], onlyFor: [] },
  { coordinate: 'Customer.account', scope: 'finance:read', subgraph: 'erp', selection: 'account { number balance { amount } }', below: ['account'], onlyFor: ['odoo'] },
  { coordinate: 'Customer.lifetimeValue', scope: 'finance:read', subgraph: 'erp', selection: 'lifetimeValue(currency: "EUR") { amount }', below: ['lifetimeValue'], onlyFor: ['odoo'] },
  { coordinate: 'SocialProfile.displayName', scope: 'pii:read', subgraph: 'social', selection: 'socialProfiles { handle displayName }', below: ['socialProfiles', 0, 'displayName'], onlyFor: [] },
  { coordinate: 'SocialProfile.bio', scope: 'pii:read', subgraph: 'social', selection: 'socialProfiles { handle bio }', below: ['socialProfiles', 0, 'bio'], onlyFor: [] },
];

let representation: Record<string, unknown>;

beforeAll(async () => {
  const contact = t.stack.dataset.hubspot.contacts.find((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.mastodon_acct && c.properties.phone && c.properties.date_of_birth)!;
  const p = contact.properties;
  const { body } = await t.gql('query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id } } } }', { email: p.email });
  representation = {
    __typename: 'Customer',
    id: body.data.customers.edges[0].node.id,
    links: { contactId: contact.id, email: p.email, erpPartnerId: p.erp_partner_id, shopCustomerId: p.shop_customer_id, mastodonAcct: p.mastodon_acct },
    shopOrderTotals: [{ amount: '120.00', currency: 'USD', placedAt: '2026-01-15T10:00:00.000Z' }],
  };
});

const ENTITIES = (selection: string) => `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id ${selection} } } }`;

describe('_entities, called directly with an internal token', () => {
  for (const field of FIELDS) {
    describe(`${field.coordinate} in the ${field.subgraph} subgraph`, () => {
      const forms: [string, string, (string | number)[]][] = [
        ['directly', ENTITIES(field.selection), field.below],
        ['aliased', ENTITIES(`secret: ${field.selection}`), ['secret', ...field.below.slice(1)]],
        ['in a named fragment', `${ENTITIES('...Private')} fragment Private on Customer { ${field.selection} }`, field.below],
      ];
      for (const [form, query, below] of forms) {
        it(`is served ${form} with ${field.scope}`, async () => {
          const body = await subgraphGql(field.subgraph, query, { r: [representation] }, [field.scope]);
          expect(body.errors).toBeUndefined();
          expect(below.reduce((v: any, k) => v?.[k], body.data._entities[0])).not.toBeNull();
        });

        it(`is null with FORBIDDEN ${form} without ${field.scope}, and its upstream is not called`, async () => {
          t.stack.resetUpstreamCounters();
          const body = await subgraphGql(field.subgraph, query, { r: [representation] }, without(field.scope));
          expect(body.errors).toEqual([{
            message: `Not authorized to read ${field.coordinate}: requires the scope ${field.scope}.`,
            locations: expect.any(Array),
            path: ['_entities', 0, ...below],
            extensions: { code: 'FORBIDDEN' },
          }]);
          expect(below.reduce((v: any, k) => v?.[k], body.data._entities[0])).toBeNull();
          expect(body.data._entities[0].id).toBe(representation.id);
          const called = Object.keys(t.stack.upstreamCounters()).map((key) => key.split(' ')[0]);
          for (const system of field.onlyFor) expect(called).not.toContain(system);
        });
      }
    });
  }

  it('grants nothing to a caller without scopes, and still serves the public fields', async () => {
    const body = await subgraphGql('crm', ENTITIES('name email'), { r: [representation] }, []);
    expect(body.data._entities[0]).toEqual({ id: representation.id, name: expect.any(String), email: null });
    expect(body.errors!.map((e) => e.path)).toEqual([['_entities', 0, 'email']]);
  });
});

describe('root fields, called directly with an internal token', () => {
  const QUERIES: [SubgraphName, string, string][] = [
    ['crm', 'customer', '{ customer(id: "x") { id } }'],
    ['crm', 'customers', '{ customers(first: 1) { edges { node { id } } } }'],
    ['commerce', 'order', '{ order(id: "x") { id } }'],
    ['commerce', 'orders', '{ orders(first: 1) { edges { node { id } } } }'],
    ['commerce', 'product', '{ product(sku: "x") { sku } }'],
  ];
  for (const [subgraph, field, query] of QUERIES) {
    it(`refuses Query.${field} in the ${subgraph} subgraph without customers:read, asking no upstream`, async () => {
      t.stack.resetUpstreamCounters();
      const body = await subgraphGql(subgraph, query, {}, without('customers:read'));
      expect(body.errors).toEqual([{ message: `Not authorized to read Query.${field}: requires the scope customers:read.`, locations: expect.any(Array), path: [field], extensions: { code: 'FORBIDDEN' } }]);
      expect(t.stack.upstreamCounters()).toEqual({});
    });
  }

  const MUTATIONS: [string, string, string][] = [
    ['createCustomer', 'customers:write', 'mutation { createCustomer(input: { email: "direct.create@example.com" }) { sync { status } } }'],
    ['updateCustomer', 'customers:write', 'mutation { updateCustomer(id: "x", expectedVersion: "y", input: { firstName: "Z" }) { sync { status } } }'],
    ['cancelOrder', 'orders:write', 'mutation { cancelOrder(id: "x", expectedVersion: "y") { sync { status } } }'],
  ];
  for (const [field, scope, query] of MUTATIONS) {
    it(`refuses Mutation.${field} in the sync subgraph without ${scope}, writing nothing`, async () => {
      const writes = upstreamWrites(t.stack);
      t.stack.resetUpstreamCounters();
      const body = await subgraphGql('sync', query, {}, without(scope));
      expect(body).toEqual({ data: null, errors: [{ message: `Not authorized to call Mutation.${field}: requires the scope ${scope}.`, locations: expect.any(Array), path: [field], extensions: { code: 'FORBIDDEN' } }] });
      expect(t.stack.upstreamCounters()).toEqual({});
      expect(upstreamWrites(t.stack)).toEqual(writes);
    });
  }
});
