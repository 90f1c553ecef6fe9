/**
 * The authorizer on its own, over a small schema with lists, an interface and a union: the rewritten
 * query (always valid), and the response pass (nulls and FORBIDDEN errors at concrete paths, audited
 * fields, helper fields stripped).
 */
import { describe, expect, it } from 'vitest';
import { buildSchema, parse, validate } from 'graphql';
import { authorizerFor, type GraphQLResponseBody } from '../../gateway/authz/authorizer.ts';
import type { ScopeRules } from '../../gateway/authz/scope-rules.ts';

const schema = buildSchema(`
  interface Node { id: ID! }
  type Customer implements Node { id: ID! name: String! greeting(lang: String): String email: String account: Account lifetimeValue(currency: String): Money profiles: [Profile!]! friends: [[Customer]] }
  type Profile { handle: String! bio: String }
  type Account { number: String! }
  type Money { amount: String! }
  type Order implements Node { id: ID! number: String! customer: Customer }
  union Result = Customer | Order
  type Query { customer(id: ID!): Customer customers(first: Int): [Customer!]! node(id: ID!): Node search: [Result!]! }
  type Mutation { cancel(id: ID!): Order! rename(id: ID!): Customer }
`);

const rules: ScopeRules = {
  fields: new Map([
    ['Customer.email', [['pii:read']]],
    ['Profile.bio', [['pii:read']]],
    ['Customer.account', [['finance:read']]],
    ['Customer.lifetimeValue', [['finance:read']]],
    ['Order.number', [['a', 'b'], ['c']]],
    ['Query.customers', [['customers:read']]],
    ['Mutation.cancel', [['orders:write']]],
  ]),
  types: new Map(),
};

const authorizer = authorizerFor(schema, rules);
const READER = ['customers:read'];
const EVERYTHING = ['customers:read', 'pii:read', 'finance:read', 'orders:write', 'a', 'b', 'c'];

/** Authorizes `query` for a caller with `scopes`; checks that what it would execute is valid. */
function authorize(query: string, scopes: string[], variables?: Record<string, unknown>, operationName?: string) {
  const request = { query, variables, operationName };
  const authorized = authorizer.authorize(request, { subject: 'alice', clientId: null, scopes: new Set(scopes) });
  const executed = authorized.request.query!;
  expect(validate(schema, parse(executed)), executed).toEqual([]);
  return { executed, changed: authorized.request !== request, finish: (body: GraphQLResponseBody) => authorized.finish(structuredClone(body)) };
}

const forbidden = (coordinate: string, needs: string, path: (string | number)[]) =>
  ({ message: `Not authorized to read ${coordinate}: requires ${needs}.`, path, extensions: { code: 'FORBIDDEN' } });
const squash = (query: string) => query.replace(/\s+/g, ' ').trim();

describe('authorize', () => {
  it('passes a query the caller may see in full through untouched', () => {
    const { changed } = authorize('{ customer(id: "1") { name profiles { handle } } }', READER);
    expect(changed).toBe(false);
  });

  it('passes a query that does not parse or validate through untouched, for Apollo to refuse', () => {
    for (const query of ['{ customer(id: ', '{ customer(id: "1") { email nope } }']) {
      const request = { query };
      expect(authorizer.authorize(request, { subject: 'a', clientId: null, scopes: new Set() }).request).toBe(request);
    }
  });

  it('passes a request whose variables do not coerce through untouched, for the gateway to refuse', () => {
    const request = { query: 'query($cur: String!) { customer(id: "1") { email lifetimeValue(currency: $cur) { amount } } }', variables: {} };
    expect(authorizer.authorize(request, { subject: 'a', clientId: null, scopes: new Set(['pii:read']) }).request).toBe(request);
  });

  it('removes a hidden field wherever it is: aliased, in a named fragment, in an inline fragment', () => {
    const { executed } = authorize(`{ customer(id: "1") { name mail: email ...F ... on Customer { email } } } fragment F on Customer { email id }`, READER);
    expect(squash(executed)).toBe('{ customer(id: "1") { name ...F ... on Customer { __authz_empty: __typename } } } fragment F on Customer { id }');
  });

  it('gives a selection set left empty a placeholder, and strips it from the response', () => {
    const { executed, finish } = authorize('{ customer(id: "1") { account { number } } }', READER);
    expect(squash(executed)).toBe('{ customer(id: "1") { __authz_empty: __typename } }');
    expect(finish({ data: { customer: { __authz_empty: 'Customer' } } }).body).toEqual({
      data: { customer: { account: null } },
      errors: [forbidden('Customer.account', 'the scope finance:read', ['customer', 'account'])],
    });
  });

  it('drops the variable definitions only removed fields used, and keeps the others', () => {
    const { executed } = authorize(`query($id: ID!, $cur: String, $show: Boolean!) {
      customer(id: $id) { name lifetimeValue(currency: $cur) { amount } email @include(if: $show) } }`, READER, { id: '1', cur: 'EUR', show: true });
    expect(squash(executed)).toBe('query ($id: ID!) { customer(id: $id) { name } }');
  });

  it('keeps a variable a removed field shared with a kept one', () => {
    const { executed } = authorize('query($lang: String) { customer(id: "1") { lifetimeValue(currency: $lang) { amount } greeting(lang: $lang) } }', READER);
    expect(squash(executed)).toBe('query ($lang: String) { customer(id: "1") { greeting(lang: $lang) } }');
  });

  it('drops a fragment only a removed field spread', () => {
    const { executed } = authorize('{ customer(id: "1") { name account { ...A } } } fragment A on Account { number }', READER);
    expect(squash(executed)).toBe('{ customer(id: "1") { name } }');
  });

  it('treats a rule as an OR of AND-groups', () => {
    const query = '{ node(id: "1") { ... on Order { number } } }';
    expect(authorize(query, ['a']).changed).toBe(true);
    expect(authorize(query, ['a', 'b']).changed).toBe(false);
    expect(authorize(query, ['c']).changed).toBe(false);
    expect(authorize(query, ['a']).finish({ data: { node: { __authz_typename: 'Order' } } }).body.errors)
      .toEqual([forbidden('Order.number', 'the scopes a and b, or the scope c', ['node', 'number'])]);
  });

  it('picks helper aliases the client does not use', () => {
    const { executed, finish } = authorize('{ customer(id: "1") { __authz_empty: name email } }', READER);
    expect(squash(executed)).toBe('{ customer(id: "1") { __authz_empty: name } }');
    const { executed: emptied } = authorize('{ customer(id: "1") { __authz_x: email } }', READER);
    expect(squash(emptied)).toBe('{ customer(id: "1") { __authz1_empty: __typename } }');
    expect(finish({ data: { customer: { __authz_empty: 'Ada' } } }).body.data).toEqual({ customer: { __authz_empty: 'Ada', email: null } });
  });
});

describe('finish', () => {
  it('nulls a field at every place a fragment is spread, with list indices, including nested lists', () => {
    const { finish } = authorize(`{ customers { ...C friends { ...C } } one: customer(id: "1") { ...C } }
      fragment C on Customer { name profiles { handle bio } }`, READER);
    const profile = { handle: 'h' };
    const { body } = finish({ data: {
      customers: [{ name: 'a', profiles: [profile, profile], friends: [[{ name: 'b', profiles: [profile] }], null, [null]] }, { name: 'c', profiles: [], friends: [] }],
      one: { name: 'd', profiles: [profile] },
    } });
    expect(body.errors).toEqual([
      forbidden('Profile.bio', 'the scope pii:read', ['customers', 0, 'profiles', 0, 'bio']),
      forbidden('Profile.bio', 'the scope pii:read', ['customers', 0, 'profiles', 1, 'bio']),
      forbidden('Profile.bio', 'the scope pii:read', ['customers', 0, 'friends', 0, 0, 'profiles', 0, 'bio']),
      forbidden('Profile.bio', 'the scope pii:read', ['one', 'profiles', 0, 'bio']),
    ]);
    expect((body.data as any).customers[0].friends).toEqual([[{ name: 'b', profiles: [{ handle: 'h', bio: null }] }], null, [null]]);
    expect((body.data as any).customers[1]).toEqual({ name: 'c', profiles: [], friends: [] });
  });

  it('reports a field behind a type condition only on objects of that type', () => {
    const { executed, finish } = authorize('{ search { ... on Customer { name email } ... on Order { id } } }', READER);
    expect(squash(executed)).toBe('{ search { ... on Customer { name } ... on Order { id } __authz_typename: __typename } }');
    const { body } = finish({ data: { search: [{ id: 'o1', __authz_typename: 'Order' }, { name: 'a', __authz_typename: 'Customer' }] } });
    expect(body).toEqual({
      data: { search: [{ id: 'o1' }, { name: 'a', email: null }] },
      errors: [forbidden('Customer.email', 'the scope pii:read', ['search', 1, 'email'])],
    });
  });

  it('nulls the parent of a removed non-null field, as null propagation would', () => {
    const mutation = authorize('mutation { cancel(id: "1") { id } }', READER);
    expect(squash(mutation.executed)).toBe('mutation { __authz_empty: __typename }');
    expect(mutation.finish({ data: { __authz_empty: 'Mutation' } }).body).toEqual({
      data: null,
      errors: [{ message: 'Not authorized to call Mutation.cancel: requires the scope orders:write.', path: ['cancel'], extensions: { code: 'FORBIDDEN' } }],
    });
    const listed = authorize('{ customer(id: "1") { name } customers { name } }', []);
    expect(listed.finish({ data: { __authz_empty: 'Query' } }).body.data).toBeNull();
  });

  it('keeps the errors already in the response, and reports removed root fields when an error nulled data', () => {
    const { finish } = authorize('mutation { rename(id: "1") { name } cancel(id: "1") { id } }', READER);
    const upstream = { message: 'Down.', path: ['rename'], extensions: { code: 'UPSTREAM_UNAVAILABLE' } };
    expect(finish({ data: null, errors: [upstream] }).body.errors).toEqual([upstream,
      { message: 'Not authorized to call Mutation.cancel: requires the scope orders:write.', path: ['cancel'], extensions: { code: 'FORBIDDEN' } }]);
    expect(finish({ errors: [upstream] }).body).toEqual({ errors: [upstream] });
  });

  it('skips objects that are null and fields the client @skip-ped', () => {
    const { finish } = authorize('query($no: Boolean!) { a: customer(id: "1") { email } b: customer(id: "2") { email name @skip(if: $no) account @skip(if: $no) { number } } }', READER, { no: true });
    expect(finish({ data: { a: null, b: { __authz_empty: 'Customer' } } }).body).toEqual({
      data: { a: null, b: { email: null } },
      errors: [forbidden('Customer.email', 'the scope pii:read', ['b', 'email'])],
    });
  });
});

describe('audited fields', () => {
  it('lists the pii:read and finance:read fields served and whose they are, through a helper id', () => {
    const { executed, finish } = authorize('{ customers { name email profiles { bio } account { number } } }', EVERYTHING);
    expect(squash(executed)).toBe('{ customers { name email profiles { bio } account { number } __authz_id: id } }');
    const { body, sensitive } = finish({ data: { customers: [
      { name: 'a', email: 'a@x', profiles: [{ bio: 'hi' }], account: null, __authz_id: 'C1' },
      { name: 'b', email: null, profiles: [], account: { number: 'N' }, __authz_id: 'C2' },
      { name: 'c', email: null, profiles: [{ bio: null }], account: null, __authz_id: 'C3' },
    ] } });
    expect((body.data as any).customers.map((c: any) => Object.keys(c))).toEqual([['name', 'email', 'profiles', 'account'], ['name', 'email', 'profiles', 'account'], ['name', 'email', 'profiles', 'account']]);
    expect(sensitive).toEqual({ fields: ['Customer.email', 'Profile.bio', 'Customer.account'], customerIds: ['C1', 'C2'] });
  });

  it('uses the id the client selected instead of adding one, and never counts a hidden field', () => {
    const { executed, finish } = authorize('{ customer(id: "1") { id name email lifetimeValue { amount } } }', ['pii:read']);
    expect(squash(executed)).toBe('{ customer(id: "1") { id name email } }');
    expect(finish({ data: { customer: { id: 'C9', name: 'n', email: 'e@x' } } }).sensitive).toEqual({ fields: ['Customer.email'], customerIds: ['C9'] });
  });

  it('finds the customer of an audited field in a fragment, or under an order', () => {
    const { executed, finish } = authorize(`{ node(id: "1") { ... on Order { customer { ...P } } } } fragment P on Customer { profiles { bio } }`, EVERYTHING);
    expect(squash(executed)).toBe('{ node(id: "1") { ... on Order { customer { ...P __authz_id: id } } __authz_typename: __typename } } fragment P on Customer { profiles { bio } __authz_id: id }');
    const { body, sensitive } = finish({ data: { node: { __authz_typename: 'Order', customer: { profiles: [{ bio: 'b' }], __authz_id: 'C5' } } } });
    expect(body.data).toEqual({ node: { customer: { profiles: [{ bio: 'b' }] } } });
    expect(sensitive).toEqual({ fields: ['Profile.bio'], customerIds: ['C5'] });
  });
});

describe('filters on personal fields', () => {
  // The input type of the graph's filter table (subgraphs/shared/filter-disclosures.ts), on a nested field and in lists.
  const filterSchema = buildSchema(`
    type Customer { id: ID! name: String! firstName: String lastName: String company: String email: String phone: String
      lifecycleStage: String updatedAt: String friends(filter: CustomerFilter): [Customer!] }
    input CustomerFilter { search: String email: String lifecycleStage: String updatedSince: String }
    type Query { customer(id: ID!): Customer customers(anyOf: [CustomerFilter!]): [Customer!]! }
  `);
  const filterAuthorizer = authorizerFor(filterSchema, { fields: new Map([['Customer.email', [['pii:read']]], ['Customer.phone', [['pii:read']]]]), types: new Map() });
  const run = (query: string, scopes: string[], variables?: Record<string, unknown>) => {
    const request = { query, variables };
    const authorized = filterAuthorizer.authorize(request, { subject: 'alice', clientId: null, scopes: new Set(scopes) });
    expect(validate(filterSchema, parse(authorized.request.query!))).toEqual([]);
    return { executed: squash(authorized.request.query!), changed: authorized.request !== request, finish: authorized.finish };
  };
  const filterForbidden = (input: string, path: (string | number)[]) =>
    ({ message: `Not authorized to filter on ${input}: requires the scope pii:read.`, path, extensions: { code: 'FORBIDDEN' } });

  it('removes a nullable field filtering on email, nulls it at its path and serves its siblings', () => {
    const { executed, finish } = run('query($e: String) { customer(id: "1") { name pals: friends(filter: { email: $e }) { name } } }', READER, { e: 'ada@example.com' });
    expect(executed).toBe('{ customer(id: "1") { name } }');
    expect(finish({ data: { customer: { name: 'Ada' } } }).body).toEqual({
      data: { customer: { name: 'Ada', pals: null } },
      errors: [filterForbidden('CustomerFilter.email', ['customer', 'pals'])],
    });
  });

  it('finds a search inside a list of input objects in a variable, and nulls data for a non-null root field', () => {
    const { executed, finish } = run('query($any: [CustomerFilter!]) { customers(anyOf: $any) { name } }', READER, { any: [{ lifecycleStage: 'lead' }, { search: '555' }] });
    expect(executed).toBe('{ __authz_empty: __typename }');
    expect(finish({ data: {} }).body).toEqual({ data: null, errors: [filterForbidden('CustomerFilter.search', ['customers'])] });
  });

  it('leaves filters alone for a caller with pii:read, and filters on unguarded fields or on null for anyone', () => {
    expect(run('{ customer(id: "1") { friends(filter: { email: "a@b", search: "x" }) { name } } }', [...READER, 'pii:read']).changed).toBe(false);
    expect(run('{ customer(id: "1") { friends(filter: { lifecycleStage: "lead", updatedSince: "2026", email: null }) { name } } }', READER).changed).toBe(false);
  });
});
