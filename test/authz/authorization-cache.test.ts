/**
 * The per-document caches at the front door (gateway/operation/prepare-operation.ts, gateway/authz/
 * authorization-cache.ts), seen through the gateway's /metrics: the same request again is neither
 * parsed, validated nor rewritten; a different scope set, or a variable that decides what is
 * authorized, gets its own rewrite, and what each caller is served stays exactly as strict.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { ALL_SCOPES, devAuthHeader } from '../support/dev-token.ts';
import { parsePrometheus, valueOf } from '../support/prometheus.ts';
import { apiSchemaOf } from '../../gateway/authz/planning-supergraph.ts';
import { decidingVariables } from '../../gateway/authz/authorization-cache.ts';

const t = useStack();
const withoutPii = ALL_SCOPES.filter((s) => s !== 'pii:read');
let id: string;

beforeAll(async () => {
  const { body } = await t.gql('{ customers(first: 1) { edges { node { id } } } }');
  id = body.data.customers.edges[0].node.id;
});

/** Lookups so far, by cache and result. */
async function lookups(): Promise<Record<string, number>> {
  const text = await (await fetch(new URL('/metrics', t.stack.gatewayUrl))).text();
  const samples = parsePrometheus(text);
  const of = (cache: string, result: string) => valueOf(samples, 'gateway_operation_cache_lookups_total', { cache, result });
  return { documentHit: of('document', 'hit'), documentMiss: of('document', 'miss'), authorizationHit: of('authorization', 'hit'), authorizationMiss: of('authorization', 'miss') };
}

/** What `send` added to each count. */
async function counted(send: () => Promise<unknown>): Promise<Record<string, number>> {
  const before = await lookups();
  await send();
  const after = await lookups();
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k]]));
}

const forbidden = (coordinate: string, path: (string | number)[]) =>
  expect.objectContaining({ message: `Not authorized to read ${coordinate}: requires the scope pii:read.`, path, extensions: expect.objectContaining({ code: 'FORBIDDEN' }) });

describe('the per-document caches', () => {
  it('parse, validate and rewrite a document once per scope set; the second identical request reuses both', async () => {
    const query = 'query CacheSame($id: ID!) { customer(id: $id) { id name email } }';
    const all = await devAuthHeader(ALL_SCOPES, { subject: 'cache-all' });
    const first = await counted(() => t.gql(query, { id }, all));
    expect(first).toEqual({ documentHit: 0, documentMiss: 1, authorizationHit: 0, authorizationMiss: 1 });
    let second: any;
    expect(await counted(async () => { second = await t.gql(query, { id }, all); })).toEqual({ documentHit: 1, documentMiss: 0, authorizationHit: 1, authorizationMiss: 0 });
    expect(second.body.data.customer.email).toEqual(expect.any(String));
    expect(second.body.errors).toBeUndefined();

    // Another caller with the same scopes shares the rewrite; one without pii:read gets its own, and is refused the email.
    expect(await counted(() => t.gql(query, { id }, all))).toMatchObject({ authorizationHit: 1, authorizationMiss: 0 });
    let narrower: any;
    expect(await counted(async () => { narrower = await t.gql(query, { id }, await devAuthHeader(withoutPii, { subject: 'cache-narrow' })); }))
      .toEqual({ documentHit: 1, documentMiss: 0, authorizationHit: 0, authorizationMiss: 1 });
    expect(narrower.body.data.customer).toEqual({ id, name: expect.any(String), email: null });
    expect(narrower.body.errors).toEqual([forbidden('Customer.email', ['customer', 'email'])]);
    // And the caller with every scope still gets the email after it.
    const again = await t.gql(query, { id }, all);
    expect(again.body.data.customer.email).toEqual(expect.any(String));
    expect(again.body.errors).toBeUndefined();
  });

  it('shares one rewrite between values of a scalar variable passed to an argument', async () => {
    const query = 'query CacheById($id: ID!) { customer(id: $id) { name phone } }';
    const other = (await t.gql('{ customers(first: 2) { edges { node { id } } } }')).body.data.customers.edges[1].node.id;
    await t.gql(query, { id });
    expect(await counted(() => t.gql(query, { id: other }))).toMatchObject({ documentHit: 1, authorizationHit: 1, authorizationMiss: 0 });
  });

  it('rewrites again for each value of a variable in @include, and nulls what the caller may not see only where it is asked for', async () => {
    const query = 'query CacheInclude($id: ID!, $withEmail: Boolean!) { customer(id: $id) { name email @include(if: $withEmail) } }';
    const narrow = await devAuthHeader(withoutPii, { subject: 'cache-include' });
    let asked: any;
    let notAsked: any;
    expect(await counted(async () => { asked = await t.gql(query, { id, withEmail: true }, narrow); })).toMatchObject({ authorizationMiss: 1 });
    expect(await counted(async () => { notAsked = await t.gql(query, { id, withEmail: false }, narrow); })).toMatchObject({ authorizationHit: 0, authorizationMiss: 1 });
    expect(asked.body.errors).toEqual([forbidden('Customer.email', ['customer', 'email'])]);
    expect(notAsked.body.errors).toBeUndefined();
    expect(notAsked.body.data.customer).toEqual({ name: expect.any(String) });
    const askedAgain = await t.gql(query, { id, withEmail: true }, narrow);
    expect(askedAgain.body.errors).toEqual([forbidden('Customer.email', ['customer', 'email'])]);
  });

  it('rewrites again for each filter in a variable: a filter on a field the caller may not read is never served from an allowed one', async () => {
    const query = 'query CacheFilter($filter: CustomerFilter) { customers(first: 1, filter: $filter) { edges { node { name } } } }';
    const narrow = await devAuthHeader(withoutPii, { subject: 'cache-filter' });
    const byStage = await t.gql(query, { filter: { lifecycleStage: 'CUSTOMER' } }, narrow);
    expect(byStage.body.errors).toBeUndefined();
    let byEmail: any;
    expect(await counted(async () => { byEmail = await t.gql(query, { filter: { email: 'ada@example.com' } }, narrow); })).toMatchObject({ authorizationHit: 0, authorizationMiss: 1 });
    expect(byEmail.body.data).toBeNull();
    expect(byEmail.body.errors).toEqual([expect.objectContaining({ path: ['customers'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    // Absent and null filters decide nothing, but are told apart from each other and from both above.
    expect((await t.gql(query, {}, narrow)).body.errors).toBeUndefined();
    expect((await t.gql(query, { filter: null }, narrow)).body.errors).toBeUndefined();
    expect((await t.gql(query, { filter: { email: 'ada@example.com' } }, narrow)).body.data).toBeNull();
    // Another email is the same filter: one rewrite; the same fields given as null are another.
    expect(await counted(async () => { byEmail = await t.gql(query, { filter: { email: 'grace@example.com' } }, narrow); })).toMatchObject({ authorizationHit: 1, authorizationMiss: 0 });
    expect(byEmail.body.errors).toEqual([expect.objectContaining({ path: ['customers'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    let nullEmail: any;
    expect(await counted(async () => { nullEmail = await t.gql(query, { filter: { email: null } }, narrow); })).toMatchObject({ authorizationHit: 0, authorizationMiss: 1 });
    expect(nullEmail.body.errors).toBeUndefined();
  });

  it('shares one rewrite between writes giving the same input fields with other values', async () => {
    const update = 'mutation CachePhone($id: ID!, $v: String!, $phone: String) { updateCustomer(id: $id, expectedVersion: $v, input: { phone: $phone }) { customer { id } } }';
    const all = await devAuthHeader(ALL_SCOPES, { subject: 'cache-write' });
    // A stale version: refused with VERSION_CONFLICT, nothing written; the authorization is worked out before.
    const send = (phone: string | null) => t.gql(update, { id, v: 'stale', phone }, all);
    expect(await counted(() => send('+33 6 11 22 33 01'))).toMatchObject({ authorizationMiss: 1 });
    expect(await counted(() => send('+33 6 11 22 33 02'))).toMatchObject({ authorizationHit: 1, authorizationMiss: 0 });
    expect(await counted(() => send(null))).toMatchObject({ authorizationHit: 0, authorizationMiss: 1 });
  });
});

describe('the variables that decide an authorization', () => {
  const schema = apiSchemaOf(readFileSync(new URL('../../schema/supergraph.graphql', import.meta.url), 'utf8'));
  const deciding = (query: string) => decidingVariables(schema, parse(query));

  it('are those in directives (by value), in input object literals and of input object types (by the fields given); not scalars passed straight to an argument', () => {
    expect(deciding('query($id: ID!, $n: Int) { customer(id: $id) { name orders(first: $n) { edges { node { number } } } } }')).toEqual({ byValue: [], byPresence: [] });
    expect(deciding('query($f: CustomerFilter, $n: Int) { customers(first: $n, filter: $f) { edges { node { name } } } }')).toEqual({ byValue: [], byPresence: ['f'] });
    expect(deciding('query($e: String, $x: Boolean!) { customers(filter: { email: $e }) { edges { node { name @skip(if: $x) } } } }')).toEqual({ byValue: ['x'], byPresence: ['e'] });
    expect(deciding('query($x: Boolean!) { ...F } fragment F on Query { customers { edges { node { email @include(if: $x) } } } }')).toEqual({ byValue: ['x'], byPresence: [] });
    // Used both ways: by value.
    expect(deciding('query($e: String) { customers(filter: { email: $e }) { edges { node { name @skip(if: $e) } } } }')).toEqual({ byValue: ['e'], byPresence: [] });
  });
});
