/**
 * Filters and search follow field authorization: filtering or searching on a personal field needs the
 * scope that reads it, or the field carrying the filter is refused with FORBIDDEN before any upstream
 * call, at the gateway (before planning) and in the CRM subgraph itself (defense in depth). A CONFLICT
 * never says whose record collides.
 */
import { readFileSync } from 'node:fs';
import { isInputObjectType, isObjectType, getNamedType, type GraphQLInputType } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../gateway/authz/planning-supergraph.ts';
import { readScopeRules, rulesFor } from '../../gateway/authz/scope-rules.ts';
import { FILTER_DISCLOSURES } from '../../subgraphs/shared/filter-disclosures.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { useStack } from '../e2e/harness.ts';
import { upstreamWrites } from '../e2e/upstream-views.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { internalAuthHeader } from '../support/internal-token.ts';

const t = useStack();

const READER = ['customers:read'];
const PII_READER = ['customers:read', 'pii:read'];
const NODES = 'edges { node { id name } }';

const forbidden = (input: string, path: (string | number)[]) =>
  ({ message: `Not authorized to filter on ${input}: requires the scope pii:read.`, path, extensions: { code: 'FORBIDDEN' } });

/** Requests the stand-ins answered since the last reset, per stand-in. */
function upstreamRequests(): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [key, count] of Object.entries(t.stack.upstreamCounters())) {
    const system = key.split(' ')[0];
    totals[system] = (totals[system] ?? 0) + count;
  }
  return totals;
}

async function gqlAs(scopes: string[], query: string, variables?: Record<string, unknown>) {
  return t.gql(query, variables, await devAuthHeader(scopes));
}

let contact: { id: string; email: string; phone: string; lastname: string };

beforeAll(() => {
  const found = t.stack.dataset.hubspot.contacts.find((c) => c.properties.email && c.properties.phone && c.properties.lastname)!;
  contact = { id: found.id, email: found.properties.email!, phone: found.properties.phone!, lastname: found.properties.lastname! };
});

describe('filters on personal fields at the gateway, without pii:read', () => {
  /** What is refused, how it is asked (query and variables, given the contact), the input named, and the path. */
  const REFUSED: [string, () => [string, Record<string, unknown>], string, string[]][] = [
    ['an email filter in a variable', () => [`query($e: String) { customers(first: 5, filter: { email: $e }) { ${NODES} } }`, { e: contact.email }], 'CustomerFilter.email', ['customers']],
    ['a search on phone digits', () => [`{ customers(first: 5, filter: { search: "${contact.phone.slice(-4)}" }) { ${NODES} } }`, {}], 'CustomerFilter.search', ['customers']],
    ['an email filter inside a variable holding the whole filter', () => [`query($f: CustomerFilter) { customers(first: 5, filter: $f) { ${NODES} } }`, { f: { lifecycleStage: 'LEAD', email: contact.email } }], 'CustomerFilter.email', ['customers']],
    ['an email filter on an aliased field', () => [`{ lookup: customers(first: 1, filter: { email: "${contact.email}" }) { ${NODES} } }`, {}], 'CustomerFilter.email', ['lookup']],
    ['a search in a named fragment on Query', () => [`query($s: String) { ...Find } fragment Find on Query { found: customers(first: 1, filter: { search: $s }) { ${NODES} } }`, { s: contact.lastname }], 'CustomerFilter.search', ['found']],
  ];
  for (const [what, request, input, path] of REFUSED) {
    it(`refuses ${what} with FORBIDDEN at the field's path, asking no upstream`, async () => {
      const [query, variables] = request();
      t.stack.resetUpstreamCounters();
      const { status, body } = await gqlAs(READER, query, variables);
      expect(status).toBe(200);
      // Query.customers is non-null: its null nulls data, as GraphQL's own null propagation does.
      expect(body).toEqual({ data: null, errors: [forbidden(input, path)] });
      expect(upstreamRequests()).toEqual({});
    });
  }

  it('says nothing about whether the email exists: an unknown one gets the same answer', async () => {
    const known = await gqlAs(READER, `{ customers(first: 1, filter: { email: "${contact.email}" }) { ${NODES} } }`);
    const unknown = await gqlAs(READER, `{ customers(first: 1, filter: { email: "nobody.at.all@example.com" }) { ${NODES} } }`);
    expect(known.text).toBe(unknown.text);
  });

  it('names the scope to read the field itself when the caller may not read it at all', async () => {
    const { body } = await gqlAs([], `{ customers(first: 1, filter: { email: "${contact.email}" }) { ${NODES} } }`);
    expect(body.errors).toEqual([{ message: 'Not authorized to read Query.customers: requires the scope customers:read.', path: ['customers'], extensions: { code: 'FORBIDDEN' } }]);
  });
});

describe('filters at the gateway that need no pii:read', () => {
  it('serves lifecycleStage and updatedSince filters without pii:read, as with it', async () => {
    const query = `{ customers(first: 100, filter: { lifecycleStage: CUSTOMER, updatedSince: "2026-01-01T00:00:00.000Z" }) { ${NODES} } }`;
    t.stack.resetUpstreamCounters();
    const reader = await gqlAs(READER, query);
    expect(reader.body.errors).toBeUndefined();
    expect(upstreamRequests().hubspot).toBeGreaterThan(0);
    expect(reader.body.data.customers.edges.length).toBeGreaterThan(0);
    expect(reader.body).toEqual((await gqlAs(PII_READER, query)).body);
  });

  it('serves an email filter whose variable is absent or null without pii:read: it filters on nothing', async () => {
    const query = `query($e: String) { customers(first: 3, filter: { email: $e }) { ${NODES} } }`;
    const absent = await gqlAs(READER, query);
    const nulled = await gqlAs(READER, query, { e: null });
    expect(absent.body.errors).toBeUndefined();
    expect(absent.body.data.customers.edges).toHaveLength(3);
    expect(nulled.body).toEqual(absent.body);
  });
});

describe('filters on personal fields at the gateway, with pii:read', () => {
  it('finds the customer by email', async () => {
    const { body } = await gqlAs(PII_READER, 'query($e: String) { customers(first: 5, filter: { email: $e }) { edges { node { id email } } } }', { e: contact.email });
    expect(body.errors).toBeUndefined();
    expect(body.data.customers.edges.map((e: any) => e.node.email)).toEqual([contact.email]);
  });

  it('finds the customer by a search on the last name', async () => {
    const { body } = await gqlAs(PII_READER, `query($s: String) { customers(first: 100, filter: { search: $s }) { edges { node { id lastName } } } }`, { s: contact.lastname });
    expect(body.errors).toBeUndefined();
    expect(body.data.customers.edges.length).toBeGreaterThan(0);
    expect(body.data.customers.edges.some((e: any) => e.node.lastName === contact.lastname)).toBe(true);
  });
});

describe('the CRM subgraph, called directly with an internal token', () => {
  async function crmGql(query: string, variables: Record<string, unknown>, scopes: string[]) {
    const res = await fetch(t.stack.subgraphs.crm!.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await internalAuthHeader('crm', scopes)) },
      body: JSON.stringify({ query, variables }),
    });
    expect(res.status).toBe(200);
    return res.json() as Promise<{ data?: any; errors?: Record<string, unknown>[] }>;
  }
  const QUERY = `query($f: CustomerFilter) { customers(first: 5, filter: $f) { edges { node { id } } } }`;

  for (const [input, filter] of [['CustomerFilter.email', () => ({ email: contact.email })], ['CustomerFilter.search', () => ({ search: contact.phone.slice(-4) })]] as const) {
    it(`refuses ${input} without pii:read with FORBIDDEN, asking HubSpot nothing`, async () => {
      t.stack.resetUpstreamCounters();
      const body = await crmGql(QUERY, { f: filter() }, READER);
      expect(body).toEqual({ data: null, errors: [{ ...forbidden(input, ['customers']), locations: expect.any(Array) }] });
      expect(upstreamRequests()).toEqual({});
    });

    it(`serves ${input} with pii:read`, async () => {
      const body = await crmGql(QUERY, { f: filter() }, PII_READER);
      expect(body.errors).toBeUndefined();
      expect(body.data.customers.edges.length).toBeGreaterThan(0);
    });
  }

  it('serves a lifecycleStage filter without pii:read', async () => {
    const body = await crmGql(QUERY, { f: { lifecycleStage: 'LEAD' } }, READER);
    expect(body.errors).toBeUndefined();
    expect(body.data.customers.edges.length).toBeGreaterThan(0);
  });
});

describe('the filter disclosure table', () => {
  const supergraph = readFileSync('schema/supergraph.graphql', 'utf8');
  const schema = apiSchemaOf(supergraph);
  const rules = readScopeRules(supergraph);

  it('classifies every input field a query argument takes, and names only fields the API schema has', () => {
    const reachable = new Set<string>();
    const from = (type: GraphQLInputType) => {
      const named = getNamedType(type);
      if (!isInputObjectType(named)) return;
      for (const field of Object.values(named.getFields())) {
        if (reachable.has(`${named.name}.${field.name}`)) continue;
        reachable.add(`${named.name}.${field.name}`);
        from(field.type);
      }
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type === schema.getMutationType() || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) for (const arg of field.args) from(arg.type);
    }
    expect([...reachable].sort()).toEqual([...FILTER_DISCLOSURES.keys()].sort());
    for (const output of [...FILTER_DISCLOSURES.values()].flat()) {
      const [typeName, fieldName] = output.split('.');
      const type = schema.getType(typeName);
      expect(isObjectType(type) && type.getFields()[fieldName], output).toBeTruthy();
    }
  });

  it('makes CustomerFilter.email need what Customer.email needs, and search what email and phone need', () => {
    const customer = schema.getType('Customer');
    if (!isObjectType(customer)) throw new Error('no Customer');
    const needs = (field: string) => rulesFor(schema, rules, customer, customer.getFields()[field]);
    expect(needs('email')).toEqual([[['pii:read']]]);
    expect(FILTER_DISCLOSURES.get('CustomerFilter.email')).toEqual(['Customer.email']);
    expect(FILTER_DISCLOSURES.get('CustomerFilter.search')).toEqual(expect.arrayContaining(['Customer.email', 'Customer.phone']));
  });
});

describe('CONFLICT on create and update', () => {
  const WRITER = ['customers:read', 'customers:write'];

  /** Everything identifying the customer whose email it is: its ids in each system, email, names. */
  const identifying = () => {
    const c = t.stack.dataset.hubspot.contacts.find((x) => x.id === contact.id)!;
    return [c.id, encodeId('Customer', c.id), c.properties.email, c.properties.firstname, c.properties.lastname, c.properties.erp_partner_id, c.properties.shop_customer_id]
      .filter((v): v is string => !!v);
  };

  function expectAnonymousConflict(body: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
    expect(body.errors).toHaveLength(1);
    const [error] = body.errors!;
    expect(error.extensions).toMatchObject({ code: 'CONFLICT' });
    const said = JSON.stringify({ message: error.message, extensions: error.extensions }).toLowerCase();
    for (const value of identifying()) expect(said).not.toContain(value.toLowerCase());
  }

  it('refuses createCustomer with an email that exists, without saying whose it is, and writes nothing', async () => {
    const writes = upstreamWrites(t.stack);
    const { body } = await gqlAs(WRITER, 'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }',
      { input: { email: contact.email.toUpperCase(), firstName: 'Mallory' } });
    expect(body.data).toBeNull();
    expectAnonymousConflict(body);
    expect(upstreamWrites(t.stack)).toEqual(writes);
  });

  it('refuses updateCustomer to another customer\'s email, without saying whose it is', async () => {
    const other = t.stack.dataset.hubspot.contacts.find((c) => c.id !== contact.id && c.properties.email)!;
    const { body: read } = await gqlAs(PII_READER, 'query($e: String) { customers(first: 1, filter: { email: $e }) { edges { node { id version } } } }', { e: other.properties.email });
    const { id, version } = read.data.customers.edges[0].node;
    const { body } = await gqlAs(WRITER, 'mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, expectedVersion: $v, input: $input) { sync { status } } }',
      { id, v: version, input: { email: contact.email } });
    expect(body.data).toBeNull();
    expectAnonymousConflict(body);
  });
});
