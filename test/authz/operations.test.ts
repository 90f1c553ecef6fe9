/**
 * The root fields: every query needs customers:read; createCustomer and updateCustomer need
 * customers:write, cancelOrder orders:write. Through the gateway over HTTP, directly, aliased, in a
 * named fragment and in an inline fragment.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { upstreamWrites } from '../e2e/upstream-views.ts';
import { ALL_SCOPES, devAuthHeader } from '../support/dev-token.ts';

const t = useStack();

const without = (scope: string) => ALL_SCOPES.filter((s) => s !== scope);

interface RootField {
  coordinate: string;
  scope: string;
  /** The root field with its arguments and selection, e.g. `customer(id: $id) { name }`. */
  selection: (ids: Ids) => string;
  nonNull: boolean;
}

interface Ids {
  customerId: string;
  customerVersion: string;
  orderId: string;
  orderVersion: string;
  sku: string;
}

const QUERIES: RootField[] = [
  { coordinate: 'Query.customer', scope: 'customers:read', selection: (ids) => `customer(id: "${ids.customerId}") { name }`, nonNull: false },
  { coordinate: 'Query.customers', scope: 'customers:read', selection: () => 'customers(first: 2) { edges { node { name } } }', nonNull: true },
  { coordinate: 'Query.order', scope: 'customers:read', selection: (ids) => `order(id: "${ids.orderId}") { number }`, nonNull: false },
  { coordinate: 'Query.orders', scope: 'customers:read', selection: () => 'orders(first: 2) { edges { node { number } } }', nonNull: true },
  { coordinate: 'Query.product', scope: 'customers:read', selection: (ids) => `product(sku: "${ids.sku}") { title }`, nonNull: false },
];

const MUTATIONS: RootField[] = [
  { coordinate: 'Mutation.createCustomer', scope: 'customers:write', selection: () => 'createCustomer(input: { email: "forbidden.create@example.com", firstName: "No" }) { customer { id } sync { system status } }', nonNull: true },
  { coordinate: 'Mutation.updateCustomer', scope: 'customers:write', selection: (ids) => `updateCustomer(id: "${ids.customerId}", expectedVersion: "${ids.customerVersion}", input: { firstName: "Forbidden" }) { customer { firstName } }`, nonNull: true },
  { coordinate: 'Mutation.cancelOrder', scope: 'orders:write', selection: (ids) => `cancelOrder(id: "${ids.orderId}", expectedVersion: "${ids.orderVersion}") { order { status } }`, nonNull: true },
];

/** The four ways to select a root field: the operation text and the response key. */
function forms(operation: 'query' | 'mutation', field: RootField, ids: Ids): [string, string, string][] {
  const selection = field.selection(ids);
  const name = field.coordinate.split('.')[1];
  const type = operation === 'query' ? 'Query' : 'Mutation';
  return [
    ['directly', `${operation} { ${selection} }`, name],
    ['aliased', `${operation} { secret: ${selection} }`, 'secret'],
    ['in a named fragment', `${operation} { ...Root } fragment Root on ${type} { ${selection} }`, name],
    ['in an inline fragment', `${operation} { ... on ${type} { ${selection} } }`, name],
  ];
}

let ids: Ids;

beforeAll(async () => {
  const { body } = await t.gql(`{ customers(first: 1) { edges { node { id version } } } orders(first: 1) { edges { node { id version lines { sku } } } } }`);
  const customer = body.data.customers.edges[0].node;
  const order = body.data.orders.edges[0].node;
  ids = { customerId: customer.id, customerVersion: customer.version, orderId: order.id, orderVersion: order.version, sku: order.lines.find((l: any) => l.sku).sku };
});

describe('query root fields (customers:read)', () => {
  for (const field of QUERIES) {
    describe(field.coordinate, () => {
      it('is served with customers:read', async () => {
        for (const [, query, key] of forms('query', field, ids)) {
          const { body } = await t.gql(query, undefined, await devAuthHeader(['customers:read']));
          expect(body.errors, query).toBeUndefined();
          expect(body.data[key], query).not.toBeNull();
        }
      });

      it('is refused with FORBIDDEN at its path without customers:read, and no upstream is called', async () => {
        for (const [form, query, key] of forms('query', field, ids)) {
          t.stack.resetUpstreamCounters();
          const { status, body } = await t.gql(query.replace('{', '{ __typename '), undefined, await devAuthHeader(without('customers:read')));
          expect(status, form).toBe(200);
          expect(body.errors, form).toEqual([{ message: `Not authorized to read ${field.coordinate}: requires the scope customers:read.`, path: [key], extensions: { code: 'FORBIDDEN' } }]);
          // A non-null root field nulls all of data, as any error there would.
          expect(body.data, form).toEqual(field.nonNull ? null : { __typename: 'Query', [key]: null });
          expect(t.stack.upstreamCounters(), form).toEqual({});
        }
      });
    });
  }

  it('answers introspection to a token with schema:read, and only that scope is needed', async () => {
    const { body } = await t.gql('{ __schema { queryType { name } } }', undefined, await devAuthHeader(['schema:read']));
    expect(body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('refuses introspection, through a fragment too, to a token without schema:read', async () => {
    const query = 'query { ...Q } fragment Q on Query { __type(name: "Customer") { name } }';
    const res = await t.gql(query, undefined, await devAuthHeader(without('schema:read')));
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ errors: [{ message: 'Introspection (__schema, __type) needs the schema:read scope.', extensions: { code: 'FORBIDDEN' } }] });
  });
});

describe('mutations (customers:write, orders:write)', () => {
  for (const field of MUTATIONS) {
    it(`${field.coordinate} fails with FORBIDDEN without ${field.scope}, and writes nothing`, async () => {
      for (const [form, query, key] of forms('mutation', field, ids)) {
        const writesBefore = upstreamWrites(t.stack);
        t.stack.resetUpstreamCounters();
        const { status, body } = await t.gql(query, undefined, await devAuthHeader(without(field.scope)));
        expect(status, form).toBe(200);
        expect(body, form).toEqual({
          data: null,
          errors: [{ message: `Not authorized to call ${field.coordinate}: requires the scope ${field.scope}.`, path: [key], extensions: { code: 'FORBIDDEN' } }],
        });
        // Not even the version re-read: the sync subgraph was never asked.
        expect(t.stack.upstreamCounters(), form).toEqual({});
        expect(upstreamWrites(t.stack), form).toEqual(writesBefore);
      }
    });
  }

  it('runs updateCustomer with customers:write alone', async () => {
    const { body } = await t.gql(`mutation { updateCustomer(id: "${ids.customerId}", expectedVersion: "${ids.customerVersion}", input: { firstName: "Scoped" }) {
      customer { firstName } sync { system status } } }`, undefined, await devAuthHeader(['customers:write']));
    expect(body.errors).toBeUndefined();
    expect(body.data.updateCustomer.customer).toEqual({ firstName: 'Scoped' });
    expect(body.data.updateCustomer.sync).toContainEqual({ system: 'CRM', status: 'APPLIED' });
  });

  it('runs cancelOrder with orders:write alone', async () => {
    const { body } = await t.gql(`mutation { cancelOrder(id: "${ids.orderId}", expectedVersion: "${ids.orderVersion}") { order { status } } }`, undefined, await devAuthHeader(['orders:write']));
    expect(body).toEqual({ data: { cancelOrder: { order: { status: 'CANCELLED' } } } });
  });

  it('creates a customer with customers:write, and hides the payload fields the token may not read', async () => {
    const { body } = await t.gql('mutation { createCustomer(input: { email: "allowed.create@example.com", firstName: "Yes" }) { customer { firstName email } } }',
      undefined, await devAuthHeader(['customers:write']));
    expect(body).toEqual({
      data: { createCustomer: { customer: { firstName: 'Yes', email: null } } },
      errors: [{ message: 'Not authorized to read Customer.email: requires the scope pii:read.', path: ['createCustomer', 'customer', 'email'], extensions: { code: 'FORBIDDEN' } }],
    });
  });

  it('runs the allowed mutation of two and refuses the other', async () => {
    const writesBefore = upstreamWrites(t.stack);
    const { body } = await t.gql(`mutation {
      cancel: cancelOrder(id: "${ids.orderId}", expectedVersion: "${ids.orderVersion}") { order { id } }
      malformed: updateCustomer(id: "${ids.customerId}", expectedVersion: "malformed", input: { firstName: "X" }) { customer { id } } }`, undefined, await devAuthHeader(['customers:write']));
    expect(body.data).toBeNull();
    // updateCustomer reached the sync subgraph (which refused the version); cancelOrder never left the gateway.
    expect(body.errors!.map((e: any) => [e.path, e.extensions.code, e.extensions.serviceName])).toEqual([
      [['malformed'], 'BAD_USER_INPUT', 'sync'], [['cancel'], 'FORBIDDEN', undefined]]);
    expect(upstreamWrites(t.stack)).toEqual(writesBefore);
  });
});
