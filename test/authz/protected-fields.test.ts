/**
 * Every pii:read and finance:read field of the contract, through the gateway over HTTP, with and
 * without its scope, asked for directly, aliased, in a named fragment and in an inline fragment.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { ALL_SCOPES, devAuthHeader } from '../support/dev-token.ts';

const auditPath = join(mkdtempSync(join(tmpdir(), 'authz-audit-')), 'audit.db');
// The gateway's answer cache off: these compare the upstream calls of callers with different scope sets, which never share kept answers.
const t = useStack({ env: { AUDIT_DB_PATH: auditPath, GATEWAY_ANSWER_CACHE_TTL_MS: '0' } });

interface ProtectedField {
  coordinate: string;
  scope: string;
  /** The selection, e.g. `account { number }`; its response key is the field name. */
  selection: string;
  /** Upstream systems (stand-in names) that only this field needs: never called when it is hidden. */
  onlyFor: string[];
}

const CUSTOMER_FIELDS: ProtectedField[] = [
  { coordinate: 'Customer.email', scope: 'pii:read', selection: 'email', onlyFor: [] },
  { coordinate: 'Customer.phone', scope: 'pii:read', selection: 'phone', onlyFor: [] },
  { coordinate: 'Customer.address', scope: 'pii:read', selection: 'address { line1 city postalCode country }', onlyFor: [] },
  { coordinate: 'Customer.birthDate', scope: 'pii:read', selection: 'birthDate', onlyFor: [] },
  { coordinate: 'Customer.account', scope: 'finance:read', selection: 'account { number currency balance { amount currency } invoices(first: 3) { number total { amount } } }', onlyFor: ['odoo'] },
  { coordinate: 'Customer.lifetimeValue', scope: 'finance:read', selection: 'lifetimeValue { amount currency }', onlyFor: ['odoo', 'shopify'] },
];
const PROFILE_FIELDS: ProtectedField[] = [
  { coordinate: 'SocialProfile.displayName', scope: 'pii:read', selection: 'displayName', onlyFor: [] },
  { coordinate: 'SocialProfile.bio', scope: 'pii:read', selection: 'bio', onlyFor: [] },
];

/** The four ways to ask for a field: the selection as written, the response key it gets, and any fragment definitions. */
const FORMS = {
  direct: (f: ProtectedField, type: string) => ({ select: f.selection, key: fieldName(f), fragments: '', type }),
  aliased: (f: ProtectedField, type: string) => ({ select: `secret: ${f.selection}`, key: 'secret', fragments: '', type }),
  'named fragment': (f: ProtectedField, type: string) => ({ select: '...Private', key: fieldName(f), fragments: `fragment Private on ${type} { ${f.selection} }`, type }),
  'inline fragment': (f: ProtectedField, type: string) => ({ select: `... on ${type} { ${f.selection} }`, key: fieldName(f), fragments: '', type }),
};

const fieldName = (f: ProtectedField) => f.coordinate.split('.')[1];
const without = (scope: string) => ALL_SCOPES.filter((s) => s !== scope);

/**
 * A query for one customer by id (by email would need pii:read itself, see filter-scopes.test.ts):
 * `name` and `inner` on the customer, or on its social profiles.
 */
function customerQuery(inner: string, fragments: string, onProfiles: boolean): string {
  const body = onProfiles ? `name socialProfiles { handle ${inner} }` : `name ${inner}`;
  return `query($id: ID!) { customer(id: $id) { id ${body} } } ${fragments}`;
}

/** Upstream systems called, with their request counts (the stand-in name is the key's first word). */
function bySystem(counters: Record<string, number>): Record<string, number> {
  const systems: Record<string, number> = {};
  for (const [key, n] of Object.entries(counters)) systems[key.split(' ')[0]] = (systems[key.split(' ')[0]] ?? 0) + n;
  return systems;
}

let id: string;

beforeAll(async () => {
  // A customer with every protected field set: linked in all four systems, with orders and a profile.
  const all = CUSTOMER_FIELDS.map((f) => f.selection).join(' ');
  const { body } = await t.gql(`{ customers(first: 100) { edges { node { id ${all} socialProfiles { displayName bio } } } } }`);
  const node = body.data.customers.edges.map((e: any) => e.node).find((n: any) =>
    CUSTOMER_FIELDS.every((f) => n[fieldName(f)] !== null) && n.account.invoices.length > 0 && n.socialProfiles[0]?.displayName && n.socialProfiles[0]?.bio);
  expect(node, 'a customer with every protected field set').toBeDefined();
  id = node.id;
});

for (const [onProfiles, fields, type] of [[false, CUSTOMER_FIELDS, 'Customer'], [true, PROFILE_FIELDS, 'SocialProfile']] as const) {
  for (const field of fields) {
    describe(`${field.coordinate} (${field.scope})`, () => {
      for (const [formName, form] of Object.entries(FORMS)) {
        const { select, key, fragments } = form(field, type);
        const query = customerQuery(select, fragments, onProfiles);
        const path = onProfiles ? ['customer', 'socialProfiles', 0, key] : ['customer', key];

        it(`is served ${formName} with ${field.scope}`, async () => {
          const { body } = await t.gql(query, { id }, await devAuthHeader(['customers:read', field.scope]));
          expect(body.errors).toBeUndefined();
          expect(valueAt(body.data, path)).not.toBeNull();
        });

        it(`is null with FORBIDDEN at its path ${formName} without ${field.scope}, the rest intact, no upstream asked for it`, async () => {
          const reference = await t.gql(query, { id }, await devAuthHeader());
          const baseline = customerQuery('', '', onProfiles);
          await t.gql(baseline, { id }, await devAuthHeader());
          t.stack.resetUpstreamCounters();
          const { body } = await t.gql(query, { id }, await devAuthHeader(without(field.scope)));
          const hiddenCalls = bySystem(t.stack.upstreamCounters());

          expect(body.errors).toEqual([{
            message: `Not authorized to read ${field.coordinate}: requires the scope ${field.scope}.`,
            path,
            extensions: { code: 'FORBIDDEN' },
          }]);
          expect(body.data).toEqual(withNullAt(reference.body.data, path));
          // The same upstream requests as a query that never selected the field (caches warm in both).
          t.stack.resetUpstreamCounters();
          await t.gql(baseline, { id }, await devAuthHeader());
          expect(hiddenCalls).toEqual(bySystem(t.stack.upstreamCounters()));
          for (const system of field.onlyFor) expect(hiddenCalls[system], system).toBeUndefined();
        });
      }
    });
  }
}

describe('hidden fields across a list', () => {
  it('nulls every customer\'s field, each error at its own index, and leaves the other fields alone', async () => {
    const query = '{ customers(first: 5) { edges { node { id name email socialProfiles { handle bio } account { number } } } } }';
    const reference = (await t.gql(query)).body;
    const { body } = await t.gql(query, undefined, await devAuthHeader(['customers:read']));
    const expectedErrors: unknown[] = [];
    reference.data.customers.edges.forEach((edge: any, i: number) => {
      expectedErrors.push(forbidden('Customer.email', 'pii:read', ['customers', 'edges', i, 'node', 'email']));
      edge.node.socialProfiles.forEach((_: unknown, j: number) =>
        expectedErrors.push(forbidden('SocialProfile.bio', 'pii:read', ['customers', 'edges', i, 'node', 'socialProfiles', j, 'bio'])));
      expectedErrors.push(forbidden('Customer.account', 'finance:read', ['customers', 'edges', i, 'node', 'account']));
    });
    expect(body.errors).toHaveLength(expectedErrors.length);
    expect(body.errors).toEqual(expect.arrayContaining(expectedErrors));
    const expected = structuredClone(reference.data);
    for (const { node } of expected.customers.edges) {
      node.email = null;
      node.account = null;
      for (const profile of node.socialProfiles) profile.bio = null;
    }
    expect(body.data).toEqual(expected);
  });

  it('nulls a field at every place a fragment is spread, and nowhere the fragment does not reach', async () => {
    const query = `query($id: ID!) {
      first: customer(id: $id) { ...Contact }
      again: customer(id: $id) { name ... on Customer { ...Contact } }
      order: orders(first: 2) { edges { node { number customer { name } } } }
    }
    fragment Contact on Customer { name email }`;
    const { body } = await t.gql(query, { id }, await devAuthHeader(['customers:read']));
    expect(body.errors).toEqual([
      forbidden('Customer.email', 'pii:read', ['first', 'email']),
      forbidden('Customer.email', 'pii:read', ['again', 'email']),
    ]);
    expect(body.data.order.edges).toHaveLength(2);
  });
});

describe('variables and directives', () => {
  it('drops a variable only a hidden field used, so the query still validates', async () => {
    const query = `query($id: ID!, $currency: String) { customer(id: $id) { name lifetimeValue(currency: $currency) { amount } } }`;
    const { body } = await t.gql(query, { id, currency: 'EUR' }, await devAuthHeader(['customers:read']));
    expect(body.errors).toEqual([forbidden('Customer.lifetimeValue', 'finance:read', ['customer', 'lifetimeValue'])]);
    expect(body.data.customer).toEqual({ name: expect.any(String), lifetimeValue: null });
  });

  it('runs nothing when a variable only a hidden field uses is missing, rather than dropping it', async () => {
    const query = `query($id: ID!, $currency: String!) { customer(id: $id) { email lifetimeValue(currency: $currency) { amount } } }`;
    t.stack.resetUpstreamCounters();
    const { status, body } = await t.gql(query, { id }, await devAuthHeader(['customers:read', 'pii:read']));
    // A request error: 200 under the legacy application/json (GraphQL over HTTP), and no data.
    expect(status).toBe(200);
    expect(body.data).toBeUndefined();
    expect(body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(t.stack.upstreamCounters()).toEqual({});
  });

  it('reports a hidden field only where @include and @skip would have served it', async () => {
    const query = `query($id: ID!, $yes: Boolean!, $no: Boolean!) { customer(id: $id) {
      name email @include(if: $yes) phone @include(if: $no) birthDate @skip(if: $yes) ... on Customer @include(if: $yes) { address { city } } } }`;
    const { body } = await t.gql(query, { id, yes: true, no: false }, await devAuthHeader(['customers:read']));
    expect(body.errors).toEqual([
      forbidden('Customer.email', 'pii:read', ['customer', 'email']),
      forbidden('Customer.address', 'pii:read', ['customer', 'address']),
    ]);
    expect(body.data.customer).toEqual({ name: expect.any(String), email: null, address: null });
  });

  it('gives an alias the client chose with the helper prefix no special power', async () => {
    const query = `query($id: ID!) { customer(id: $id) { __authz_id: name __authz_empty: email } }`;
    const { body } = await t.gql(query, { id }, await devAuthHeader(['customers:read']));
    expect(body.errors).toEqual([forbidden('Customer.email', 'pii:read', ['customer', '__authz_empty'])]);
    expect(body.data.customer).toEqual({ __authz_id: expect.any(String), __authz_empty: null });
  });
});

describe('other ways in', () => {
  it('applies the same rules to a GET request', async () => {
    const query = `query($id: ID!) { customer(id: $id) { name email } }`;
    const url = `${t.stack.gatewayUrl}?query=${encodeURIComponent(query)}&variables=${encodeURIComponent(JSON.stringify({ id }))}`;
    const res = await fetch(url, { headers: { ...(await devAuthHeader(['customers:read'])), 'apollo-require-preflight': 'true' } });
    const body = await res.json();
    expect(body.errors).toEqual([forbidden('Customer.email', 'pii:read', ['customer', 'email'])]);
    expect(body.data.customer.email).toBeNull();
  });

  it('refuses persisted queries, so a stored query text never skips the authorizer', async () => {
    const query = `{ customers(first: 1) { edges { node { email } } } }`;
    const persistedQuery = { version: 1, sha256Hash: 'a'.repeat(64) };
    const post = async (body: unknown) => (await fetch(t.stack.gatewayUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader(['customers:read'])) }, body: JSON.stringify(body),
    })).text();
    const withQuery = await post({ query, extensions: { persistedQuery } });
    const hashOnly = await post({ extensions: { persistedQuery } });
    for (const text of [withQuery, hashOnly]) {
      expect(text).not.toContain('@');
      expect(JSON.parse(text).errors[0].message).toMatch(/PersistedQueryNotSupported/);
    }
  });
});

describe('what the audit log is told', () => {
  it('names the audited fields served and the customers they belong to, and nothing when none was served', async () => {
    const query = `query($id: ID!) { customer(id: $id) { name email account { number } socialProfiles { bio } } }`;
    const served = await t.gql(query, { id }, await devAuthHeader(['customers:read', 'pii:read'], { subject: 'audit-pii' }));
    expect(served.body.data.customer).not.toHaveProperty('id');
    await t.gql(query, { id }, await devAuthHeader(['customers:read'], { subject: 'audit-none' }));
    const log = await t.openAuditLog();
    try {
      expect(await log.bySubject('audit-pii')).toEqual([expect.objectContaining({ fields: ['Customer.email', 'SocialProfile.bio'], customerIds: [id] })]);
      expect(await log.bySubject('audit-none')).toEqual([]);
    } finally {
      await log.close();
    }
  });
});

function forbidden(coordinate: string, scope: string, path: (string | number)[]) {
  return { message: `Not authorized to read ${coordinate}: requires the scope ${scope}.`, path, extensions: { code: 'FORBIDDEN' } };
}

function valueAt(data: any, path: (string | number)[]): unknown {
  return path.reduce((value, key) => value?.[key], data);
}

/** A copy of `data` with null at `path`. */
function withNullAt(data: any, path: (string | number)[]): unknown {
  const copy = structuredClone(data);
  const parent = path.slice(0, -1).reduce((value: any, key) => value[key], copy);
  parent[path[path.length - 1]] = null;
  return copy;
}
