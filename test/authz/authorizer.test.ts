/**
 * The authorizer on its own, over a small schema with lists, an interface and a union: the rewritten
 * query (always valid), and the response pass (nulls and FORBIDDEN errors at concrete paths, audited
 * fields, helper fields stripped).
 */
import { describe, expect, it } from 'vitest';
import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import { authorizerFor, type GraphQLRequestParts, type GraphQLResponseBody, type ParsedOperation } from '../../gateway/authz/authorizer.ts';
import { createOperationPreparer } from '../../gateway/operation/prepare-operation.ts';
import { DEFAULT_LIMITS } from '../../gateway/limits/limits.ts';
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

/** The operation as the front door hands it to the authorizer (parsed, validated, variables coerced). */
function prepared(onSchema: GraphQLSchema, request: GraphQLRequestParts): ParsedOperation {
  const result = createOperationPreparer(onSchema, DEFAULT_LIMITS, () => 0)(request, 'POST');
  if ('refused' in result) throw new Error(`The front door refuses this request: ${result.errors[0].message}`);
  return result;
}

/** Authorizes `query` for a caller with `scopes`; checks that what it would execute is valid. */
function authorize(query: string, scopes: string[], variables?: Record<string, unknown>, operationName?: string) {
  const request = { query, variables, operationName };
  const authorized = authorizer.authorize(request, { subject: 'alice', clientId: null, scopes: new Set(scopes) }, prepared(schema, request));
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
    const authorized = filterAuthorizer.authorize(request, { subject: 'alice', clientId: null, scopes: new Set(scopes) }, prepared(filterSchema, request));
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
