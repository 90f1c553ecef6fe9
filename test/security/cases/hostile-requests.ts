/**
 * The hostile requests of issue #10's acceptance table: each is sent raw to the gateway, and each
 * states the HTTP status, the first error's extensions.code (null: no errors) and how many upstream
 * calls it may cause (0 for every refusal).
 */
import { encodeId } from '../../../subgraphs/shared/ids.ts';
import { encodeCursor } from '../../../subgraphs/shared/pagination.ts';
import { encodeVersion } from '../../../subgraphs/shared/version.ts';

/** Which development token the request carries (see test/support/dev-token.ts). */
export type TokenKind = 'all' | 'readOnly' | 'none';

export interface HostileRequest {
  method: 'GET' | 'POST';
  token: TokenKind;
  /** Sent as they are; content-type and accept default to JSON. */
  headers?: Record<string, string>;
  /** A raw body, or a value sent as JSON. */
  body?: string | unknown;
  /** GET parameters. */
  search?: Record<string, string>;
}

export interface HostileExpectation {
  status: number;
  /** errors[0].extensions.code, or null when the answer must carry no errors. */
  code: string | null;
  /** The sum of every stand-in's counters after the request. */
  upstreamCalls: number;
  /** errors[0].path, when the refusal belongs to a field. */
  path?: (string | number)[];
  /** errors[0].extensions.argument, when the refusal names an argument. */
  argument?: string;
  /** The answer's data, when it must be exactly this. */
  data?: unknown;
  /** Response headers that must be present with these values. */
  headers?: Record<string, string>;
  /** errors[0].extensions.measure, for a QUERY_TOO_COMPLEX refusal: which limit it hit. */
  measure?: string;
  /** Text the answer must not contain (e.g. a field-name suggestion). */
  mustNotContain?: string;
}

export interface HostileCase {
  name: string;
  request: HostileRequest;
  expect: HostileExpectation;
}

/** Strings that mean something in one upstream's query language or in a URL. */
export const INJECTIONS: Record<string, string> = {
  'a SQL quote': "' OR 1=1 --",
  'a Shopify OR term': '" OR email:*',
  'an SQL LIKE %': '%',
  'an SQL LIKE _': '_',
  'a search wildcard *': '*',
  'parentheses )(': ')(',
  'a path traversal ../': '../',
  'a NUL character': 'a\u0000b',
  'a 10,000-character string': 'x'.repeat(10_000),
};

/** Opaque ids a client could forge: our own encoding around a value that would escape a URL path or a query. */
const FORGED_SOURCE_IDS = ['../../crm/v3/objects/contacts', '101/../102', '..', '%2e%2e', '101?archived=true#', '101 OR 1=1', ' 101'];

/** A POST of one GraphQL operation as JSON, under the legacy `Accept: application/json` unless told. */
const post = (query: string, variables?: Record<string, unknown>, token: TokenKind = 'all', headers: Record<string, string> = {}): HostileRequest =>
  ({ method: 'POST', token, headers, body: { query, ...(variables ? { variables } : {}) } });

const GRAPHQL_RESPONSE = { accept: 'application/graphql-response+json' };

const customerById = 'query($id: ID!) { customer(id: $id) { id name } }';
const orderById = 'query($id: ID!) { order(id: $id) { id number } }';
const productBySku = 'query($sku: ID!) { product(sku: $sku) { sku title } }';
const customersByEmail = 'query($v: String) { customers(first: 5, filter: { email: $v }) { edges { node { id } } } }';
const customersBySearch = 'query($v: String) { customers(first: 5, filter: { search: $v }) { edges { node { id } } } }';
/** A well-formed version token, so that a mutation's refusal is about its id or input. */
const VERSION = encodeVersion({ CRM: '2026-01-01T00:00:00.000Z', ERP: null, COMMERCE: null });
const updateCustomer = `mutation($id: ID!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, expectedVersion: "${VERSION}", input: $input) { sync { system } } }`;
const createCustomer = 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { sync { system } } }';
const cancelOrder = `mutation($id: ID!, $reason: String) { cancelOrder(id: $id, expectedVersion: "${VERSION}", reason: $reason) { sync { system } } }`;

const forEachInjection = (make: (label: string, value: string) => HostileCase): HostileCase[] =>
  Object.entries(INJECTIONS).map(([label, value]) => make(label, value));

/** Every string argument that reaches an upstream's query language or a URL, with every injection string. */
const injections: HostileCase[] = [
  ...forEachInjection((label, value) => ({
    name: `customer(id:) with ${label} as the id answers null and calls nothing`,
    request: post(customerById, { id: value }),
    expect: { status: 200, code: null, upstreamCalls: 0, data: { customer: null } },
  })),
  ...[...FORGED_SOURCE_IDS, ...Object.values(INJECTIONS)].map((sourceId): HostileCase => ({
    name: `customer(id:) with a forged opaque id around ${JSON.stringify(sourceId.slice(0, 30))} answers null and calls nothing`,
    request: post(customerById, { id: encodeId('Customer', sourceId) }),
    expect: { status: 200, code: null, upstreamCalls: 0, data: { customer: null } },
  })),
  ...forEachInjection((label, value) => ({
    name: `order(id:) with ${label} as the id answers null and calls nothing`,
    request: post(orderById, { id: value }),
    expect: { status: 200, code: null, upstreamCalls: 0, data: { order: null } },
  })),
  ...FORGED_SOURCE_IDS.map((sourceId): HostileCase => ({
    name: `order(id:) with a forged opaque id around ${JSON.stringify(sourceId)} answers null and calls nothing`,
    request: post(orderById, { id: encodeId('Order', sourceId) }),
    expect: { status: 200, code: null, upstreamCalls: 0, data: { order: null } },
  })),
  ...forEachInjection((label, value) => ({
    name: `product(sku:) with ${label} matches no product literally named so, in one Shopify search`,
    request: post(productBySku, { sku: value }),
    expect: { status: 200, code: null, upstreamCalls: 1, data: { product: null } },
  })),
  ...forEachInjection((label, value) => ({
    name: `customers(filter: { email }) with ${label} matches no customer, in one HubSpot search`,
    request: post(customersByEmail, { v: value }),
    expect: { status: 200, code: null, upstreamCalls: 1, data: { customers: { edges: [] } } },
  })),
  ...forEachInjection((label, value) => ({
    name: `customers(filter: { search }) with ${label} is one HubSpot full-text search and no error`,
    request: post(customersBySearch, { v: value }),
    expect: { status: 200, code: null, upstreamCalls: 1 },
  })),
  {
    name: 'customers(filter: { lifecycleStage }) with an injection string is refused as a variable of the wrong type',
    request: post('query($v: LifecycleStage) { customers(filter: { lifecycleStage: $v }) { edges { node { id } } } }', { v: "CUSTOMER' OR 1=1" }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'customers(filter: { updatedSince }) with an injection string is refused as a variable of the wrong type',
    request: post('query($v: DateTime) { customers(filter: { updatedSince: $v }) { edges { node { id } } } }', { v: "2026-01-01' OR 1=1" }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'orders(filter: { status }) with a Shopify search term is refused as a variable of the wrong type',
    request: post('query($v: OrderStatus) { orders(filter: { status: $v }) { edges { node { id } } } }', { v: 'PAID OR status:any' }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'orders(filter: { placedAfter }) with a Shopify search term is refused as a variable of the wrong type',
    request: post('query($v: DateTime) { orders(filter: { placedAfter: $v }) { edges { node { id } } } }', { v: '2026-01-01" OR created_at:>"1970-01-01' }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'customers(after:) with an injection string is refused naming the argument, before any call',
    request: post('{ customers(after: "1 OR 1=1") { edges { node { id } } } }'),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['customers'], argument: 'after' },
  },
  {
    name: 'orders(after:) with an injection string is refused naming the argument, before any call',
    request: post('{ orders(after: "\\" OR name:*") { edges { node { id } } } }'),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['orders'], argument: 'after' },
  },
  {
    name: 'orders(after:) with a forged cursor is refused naming the argument once Shopify cannot read it',
    request: post('query($after: String) { orders(after: $after) { edges { node { id } } } }', { after: encodeCursor('") OR name:*') }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 1, path: ['orders'], argument: 'after' },
  },
];

/** Mutations' string inputs, with a token that may write: every one is refused before any upstream call. */
const mutations: HostileCase[] = [
  ...[...FORGED_SOURCE_IDS.slice(0, 3), "' OR 1=1 --"].map((sourceId, i): HostileCase => ({
    name: `updateCustomer with ${i === 3 ? 'an injection string' : `a forged id around ${JSON.stringify(sourceId)}`} is NOT_FOUND and calls nothing`,
    request: post(updateCustomer, { id: i === 3 ? sourceId : encodeId('Customer', sourceId), input: { firstName: 'Mallory' } }),
    expect: { status: 200, code: 'NOT_FOUND', upstreamCalls: 0, path: ['updateCustomer'] },
  })),
  {
    name: 'cancelOrder with a forged id around "../1" and an injection string as reason is NOT_FOUND and calls nothing',
    request: post(cancelOrder, { id: encodeId('Order', '../1'), reason: "') OR 1=1 --" }),
    expect: { status: 200, code: 'NOT_FOUND', upstreamCalls: 0, path: ['cancelOrder'] },
  },
  {
    name: 'createCustomer with an injection string as email is BAD_USER_INPUT and calls nothing',
    request: post(createCustomer, { input: { email: '" OR email:* @example.com' } }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['createCustomer'] },
  },
  {
    name: 'createCustomer with a NUL in the email is BAD_USER_INPUT and calls nothing',
    request: post(createCustomer, { input: { email: 'a\u0000b@example.com' } }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['createCustomer'] },
  },
  {
    name: 'createCustomer with a 10,000-character name is BAD_USER_INPUT and calls nothing',
    request: post(createCustomer, { input: { email: 'long.name@example.com', firstName: INJECTIONS['a 10,000-character string'] } }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['createCustomer'] },
  },
  {
    name: 'createCustomer with an injection string as the address country is BAD_USER_INPUT and calls nothing',
    request: post(createCustomer, { input: { email: 'country@example.com', address: { country: "FR' OR 1=1" } } }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['createCustomer'] },
  },
  {
    name: 'updateCustomer of a real customer with an injection string as email is BAD_USER_INPUT before any upstream read',
    request: post(updateCustomer, { id: encodeId('Customer', '101'), input: { email: "' OR 1=1 --" } }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['updateCustomer'] },
  },
  {
    name: 'resolveDiscrepancy with an injection string as id is NOT_FOUND and calls nothing',
    request: post('mutation($id: ID!) { resolveDiscrepancy(id: $id, action: KEEP_CANONICAL) { discrepancy { id } } }', { id: "1' OR 1=1 --" }),
    expect: { status: 200, code: 'NOT_FOUND', upstreamCalls: 0, path: ['resolveDiscrepancy'] },
  },
  {
    name: 'discrepancies(after:) with an injection string is BAD_USER_INPUT naming the argument and calls nothing',
    request: post('{ discrepancies(after: "1; DROP TABLE discrepancies") { edges { node { id } } } }'),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, path: ['discrepancies'], argument: 'after' },
  },
  {
    name: 'discrepancies(system:) with an injection string is refused as a variable of the wrong type',
    request: post('query($s: SourceSystem) { discrepancies(system: $s) { edges { node { id } } } }', { s: "CRM' OR 1=1" }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
];

const ONE_QUERY = { query: '{ __typename }' };

/** GraphQL over HTTP: what the transport refuses, and the status each refusal answers. */
const transport: HostileCase[] = [
  {
    name: 'an array batch is refused with 400',
    request: { method: 'POST', token: 'all', body: [ONE_QUERY, ONE_QUERY] },
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'malformed JSON is refused with 400',
    request: { method: 'POST', token: 'all', body: '{"query": "{ __typename }"' },
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a text/plain post (a CSRF-able simple request) is refused with 415',
    request: { method: 'POST', token: 'all', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { id } } } }' }) },
    expect: { status: 415, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a form post is refused with 415',
    request: { method: 'POST', token: 'all', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B+customers%28first%3A+1%29+%7B+edges+%7B+node+%7B+id+%7D+%7D+%7D+%7D' },
    expect: { status: 415, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'an application/xml body is refused with 415',
    request: { method: 'POST', token: 'all', headers: { 'content-type': 'application/xml' }, body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { id } } } }' }) },
    expect: { status: 415, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a mutation over GET is refused with 405 and Allow: POST',
    request: { method: 'GET', token: 'all', search: { query: 'mutation { cancelOrder(id: "x", expectedVersion: "v") { sync { system } } }' } },
    expect: { status: 405, code: 'BAD_USER_INPUT', upstreamCalls: 0, headers: { allow: 'POST' } },
  },
  {
    name: 'an Accept the gateway cannot answer in is refused with 406',
    request: { method: 'POST', token: 'all', headers: { accept: 'text/html' }, body: ONE_QUERY },
    expect: { status: 406, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a parse error under Accept: application/json answers 200',
    request: post('{ customers(first: 1) { edges { node { id } }'),
    expect: { status: 200, code: 'GRAPHQL_PARSE_FAILED', upstreamCalls: 0 },
  },
  {
    name: 'a parse error under application/graphql-response+json answers 400',
    request: post('{ customers(first: 1) { edges { node { id } }', undefined, 'all', GRAPHQL_RESPONSE),
    expect: { status: 400, code: 'GRAPHQL_PARSE_FAILED', upstreamCalls: 0 },
  },
  {
    name: 'a validation error under Accept: application/json answers 200',
    request: post('{ customers(first: 1) { edges { node { id passwordHash } } } }'),
    expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', upstreamCalls: 0 },
  },
  {
    name: 'a validation error under application/graphql-response+json answers 400',
    request: post('{ customers(first: 1) { edges { node { id passwordHash } } } }', undefined, 'all', GRAPHQL_RESPONSE),
    expect: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED', upstreamCalls: 0 },
  },
  {
    name: 'a variable of the wrong type under Accept: application/json answers 200',
    request: post('query($first: Int) { customers(first: $first) { edges { node { id } } } }', { first: 'ten' }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a variable of the wrong type under application/graphql-response+json answers 400',
    request: post('query($first: Int) { customers(first: $first) { edges { node { id } } } }', { first: 'ten' }, 'all', GRAPHQL_RESPONSE),
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'several operations without operationName are refused with 400',
    request: post('query A { __typename } query B { customers(first: 1) { edges { node { id } } } }'),
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'an unknown operationName is refused with 400',
    request: { method: 'POST', token: 'all', body: { query: 'query A { customers(first: 1) { edges { node { id } } } }', operationName: 'B' } },
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a subscription is refused with 400',
    request: post('subscription { customers { edges { node { id } } } }'),
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
];

/** `first` outside 1..100 on any list, and filters on personal fields without pii:read. */
const limits: HostileCase[] = [
  ...[1_000_000, -1].flatMap((first): HostileCase[] => [
    {
      name: `customers(first: ${first}) is BAD_USER_INPUT naming the argument, before any call`,
      request: post(`{ customers(first: ${first}) { edges { node { id } } } }`),
      expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, argument: 'first' },
    },
    {
      name: `orders(first: ${first}) is BAD_USER_INPUT naming the argument, before any call`,
      request: post(`{ orders(first: ${first}) { edges { node { id } } } }`),
      expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, argument: 'first' },
    },
    {
      name: `syncStatus { recentFailures(first: ${first}) } is BAD_USER_INPUT naming the argument`,
      request: post(`{ syncStatus { systems { recentFailures(first: ${first}) { message } } } }`),
      expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, argument: 'first' },
    },
  ]),
  {
    name: 'customers(filter: { email }) without pii:read is FORBIDDEN at customers and calls nothing',
    request: post(customersByEmail, { v: 'dennis.hopper0@example.com' }, 'readOnly'),
    expect: { status: 200, code: 'FORBIDDEN', upstreamCalls: 0, path: ['customers'] },
  },
  {
    name: 'customers(filter: { search }) without pii:read is FORBIDDEN at customers and calls nothing',
    request: post(customersBySearch, { v: '+3314268' }, 'readOnly'),
    expect: { status: 200, code: 'FORBIDDEN', upstreamCalls: 0, path: ['customers'] },
  },
];

const times = (n: number, make: (i: number) => string) => Array.from({ length: n }, (_, i) => make(i)).join(' ');
const orderHop = (inner: string) => `orders(first: 1) { edges { node { customer { ${inner} } } } }`;
const tooComplex = (measure: string, status = 400): HostileExpectation => ({ status, code: 'QUERY_TOO_COMPLEX', upstreamCalls: 0, measure });

/** Documents built to exhaust the gateway: each is refused by a limit before anything is fetched. */
const shapes: HostileCase[] = [
  {
    name: 'a depth-16 orders → customer → orders chain is refused by the depth limit',
    request: post(`{ ${orderHop(orderHop(orderHop(orderHop('id'))))} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('depth'),
  },
  {
    name: '1,000 aliases of customers(first: 100) are refused while parsing (tokens)',
    request: post(`{ ${times(1000, (i) => `c${i}: customers(first: 100) { edges { node { id name } } }`)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('tokens'),
  },
  {
    name: '2,000 aliases of product(sku:) are refused while parsing (tokens)',
    request: post(`{ ${times(2000, (i) => `p${i}: product(sku: "SKU-${i % 50}") { sku }`)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('tokens'),
  },
  {
    name: '10 aliases of a full customers(first: 100) page are refused by the cost limit',
    request: post(`{ ${times(10, (i) => `c${i}: customers(first: 100) { edges { node { name account { number } orders(first: 20) { edges { node { number fulfillment { status } } } } } } }`)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('cost'),
  },
  {
    name: 'one customers page of 100 with 100 orders each and their products is refused by the cost limit',
    request: post('{ customers(first: 100) { edges { node { orders(first: 100) { edges { node { lines { product { stock { warehouse } } } } } } } } } }'),
    expect: tooComplex('cost', 200),
  },
  {
    name: '101 __typename aliases at the root are refused by the alias limit',
    request: post(`{ ${times(101, (i) => `t${i}: __typename`)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('aliases'),
  },
  {
    name: '101 __typename aliases inside a customer are refused by the alias limit',
    request: post(`{ customer(id: "x") { ${times(101, (i) => `t${i}: __typename`)} } }`),
    expect: tooComplex('aliases', 200),
  },
  {
    name: '11 root fields through a fragment are refused by the root-field limit',
    request: post(`{ ...R } fragment R on Query { ${times(11, (i) => `p${i}: product(sku: "S${i}") { sku }`)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('rootFields'),
  },
  {
    name: 'circular fragments are a validation error',
    request: post('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }', undefined, 'all', GRAPHQL_RESPONSE),
    expect: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED', upstreamCalls: 0 },
  },
  {
    name: 'a fragment bomb (each of 30 fragments spreads the next twice) is refused by the cost or depth limit',
    request: post(`{ customer(id: "x") { ...F0 } } ${times(30, (i) => `fragment F${i} on Customer { ${i === 29 ? 'name' : `...F${i + 1} again${i}: orders(first: 1) { edges { node { customer { ...F${i + 1} } } } }`} }`)}`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: { status: 400, code: 'QUERY_TOO_COMPLEX', upstreamCalls: 0 },
  },
  {
    name: 'a 20,000-token document is refused while parsing',
    request: post(`{ customer(id: "x") { ${'name '.repeat(20_000)} } }`),
    expect: tooComplex('tokens', 200),
  },
  {
    name: '100,000 repeated fields are refused while parsing',
    request: post(`{ ${'__typename '.repeat(80_000)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('tokens'),
  },
  {
    name: 'directive overloading (50 @include on one field) is refused by the directive limit',
    request: post(`{ __typename ${'@include(if: true) '.repeat(50)} }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: tooComplex('directives'),
  },
  {
    name: '500 unknown fields report at most the validation error cap',
    request: post(`{ customer(id: "x") { ${times(500, (i) => `f${i}`)} } }`, undefined, 'all', GRAPHQL_RESPONSE),
    expect: { status: 400, code: 'GRAPHQL_VALIDATION_FAILED', upstreamCalls: 0 },
  },
  {
    name: 'a misspelt field gets no suggestion of the real name',
    request: post('{ customr(id: "1") { id } }'),
    expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', upstreamCalls: 0, mustNotContain: 'Did you mean' },
  },
  {
    name: 'a misspelt argument gets no suggestion of the real name',
    request: post('{ customers(frist: 1) { edges { cursor } } }'),
    expect: { status: 200, code: 'GRAPHQL_VALIDATION_FAILED', upstreamCalls: 0, mustNotContain: 'first' },
  },
  {
    name: 'introspection without a token is refused with 401',
    request: post('{ __schema { types { name fields { name } } } }', undefined, 'none'),
    expect: { status: 401, code: 'UNAUTHENTICATED', upstreamCalls: 0 },
  },
  {
    name: 'introspection with a token lacking schema:read is refused with 403',
    request: post('{ __schema { types { name fields { name } } } }', undefined, 'readOnly'),
    expect: { status: 403, code: 'FORBIDDEN', upstreamCalls: 0 },
  },
  {
    name: 'a query over GET without a token is refused with 401',
    request: { method: 'GET', token: 'none', search: { query: '{ customers(first: 1) { edges { node { id } } } }' } },
    expect: { status: 401, code: 'UNAUTHENTICATED', upstreamCalls: 0 },
  },
  {
    name: 'a body over 1 MB is refused with 413 before it is parsed',
    request: { method: 'POST', token: 'all', body: JSON.stringify({ query: `{ __typename } # ${'x'.repeat(1_100_000)}` }) },
    expect: { status: 413, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a persisted-query hash without its text is refused (automatic persisted queries are off)',
    request: { method: 'POST', token: 'all', body: { extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } } },
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a persisted-query extension beside the text is refused too, before anything runs',
    request: { method: 'POST', token: 'all', headers: GRAPHQL_RESPONSE, body: { query: '{ customers(first: 1) { edges { node { id } } } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } } },
    expect: { status: 400, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a plain GET query with a token and no other header runs (no cross-site request can carry the token)',
    request: { method: 'GET', token: 'all', search: { query: '{ customers(first: 2) { edges { node { id name } } } }' } },
    expect: { status: 200, code: null, upstreamCalls: 1 },
  },
  {
    name: 'a variable nested 100,000 arrays deep is refused as BAD_USER_INPUT, before any call',
    request: { method: 'POST', token: 'all', body: `{"query":"query($d: DateTime) { customers(first: 1, filter: { updatedSince: $d }) { edges { cursor } } }","variables":{"d":${'['.repeat(100_000)}${']'.repeat(100_000)}}}` },
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0 },
  },
  {
    name: 'a mutation with a read-only token is FORBIDDEN and writes nothing',
    request: post(createCustomer, { input: { email: 'readonly@example.com' } }, 'readOnly'),
    expect: { status: 200, code: 'FORBIDDEN', upstreamCalls: 0, path: ['createCustomer'], data: null },
  },
  {
    name: 'invoices(first: 0) is BAD_USER_INPUT naming the argument, before any call',
    request: post('query($id: ID!) { customer(id: $id) { account { invoices(first: 0) { number } } } }', { id: encodeId('Customer', '101') }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, argument: 'first' },
  },
  {
    name: 'recentPosts(first: 101) through a variable is BAD_USER_INPUT naming the argument, before any call',
    request: post('query($id: ID!, $n: Int) { customer(id: $id) { socialProfiles { recentPosts(first: $n) { text } } } }', { id: encodeId('Customer', '101'), n: 101 }),
    expect: { status: 200, code: 'BAD_USER_INPUT', upstreamCalls: 0, argument: 'first' },
  },
];

export const HOSTILE_CASES: HostileCase[] = [...injections, ...mutations, ...transport, ...limits, ...shapes];
