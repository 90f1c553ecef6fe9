/** The pure parts of the metrics: bounded labels, upstream operation names, the limit a refusal hit, readiness reports. */
import { describe, expect, it } from 'vitest';
import { boundedLabel } from '../../subgraphs/shared/observability/bounded-label.ts';
import { upstreamOperation } from '../../subgraphs/shared/observability/upstream-operation.ts';
import { readinessReport } from '../../subgraphs/shared/observability/readiness.ts';
import { refusalLimit } from '../../gateway/observability/limit-refusal.ts';

describe('boundedLabel', () => {
  it('keeps the first max distinct values and reports later new ones as "other"', () => {
    const label = boundedLabel(2);
    expect(['A', 'B', 'C', 'A', 'B', 'D'].map(label)).toEqual(['A', 'B', 'other', 'A', 'B', 'other']);
  });

  it('reports a value longer than 100 characters as "other"', () => {
    expect(boundedLabel(5)('x'.repeat(101))).toBe('other');
  });

  it('refuses a max that is not a positive integer', () => {
    expect(() => boundedLabel(0)).toThrow('max must be a positive integer: 0');
  });
});

describe('upstreamOperation', () => {
  it('names a REST call by method and path, with record ids replaced and no query string', () => {
    expect(upstreamOperation('http://m/api/v1/accounts/109876543/statuses?limit=5', {})).toBe('GET /api/v1/accounts/:id/statuses');
    expect(upstreamOperation('http://h/crm/v3/objects/contacts/1234', { method: 'patch' })).toBe('PATCH /crm/v3/objects/contacts/:id');
    expect(upstreamOperation('http://m/api/v1/accounts/lookup?acct=ada%40example.org', {})).toBe('GET /api/v1/accounts/lookup');
  });

  it("keeps Odoo's one-digit API version in the path", () => {
    expect(upstreamOperation('http://o/json/2/res.partner/search_read', { method: 'POST' })).toBe('POST /json/2/res.partner/search_read');
  });

  it("names a GraphQL call by its operation, never its variables", () => {
    const body = JSON.stringify({ query: 'query CustomersByUpdate($q: String!) { customers(query: $q) { nodes { id } } }', variables: { q: 'email:ada@example.org' } });
    expect(upstreamOperation('http://s/admin/api/2025-01/graphql.json', { method: 'POST', body })).toBe('query CustomersByUpdate');
    expect(upstreamOperation('http://s/admin/api/2025-01/graphql.json', { method: 'POST', body: JSON.stringify({ query: '{ shop { name } }' }) })).toBe('graphql anonymous');
  });
});

describe('refusalLimit', () => {
  const refused = (status: number, code: string, extensions: Record<string, unknown> = {}) =>
    refusalLimit({ status, operation: 'unknown', outcome: 'refused', errors: [{ code, extensions: { code, ...extensions } }] });

  it('names the measure of QUERY_TOO_COMPLEX, the budget of RATE_LIMITED, the caps of 413 and RESPONSE_TOO_LARGE', () => {
    expect(refused(400, 'QUERY_TOO_COMPLEX', { measure: 'aliases' })).toBe('aliases');
    expect(refused(429, 'RATE_LIMITED')).toBe('budget');
    expect(refused(200, 'RESPONSE_TOO_LARGE')).toBe('responseSize');
    expect(refused(413, 'BAD_USER_INPUT')).toBe('bodySize');
  });

  it('is null for an answer no limit gave', () => {
    expect(refused(400, 'GRAPHQL_VALIDATION_FAILED')).toBeNull();
    expect(refused(400, 'QUERY_TOO_COMPLEX', { measure: 'made-up' })).toBeNull();
    expect(refusalLimit({ status: 200, operation: 'Q', outcome: 'success', errors: [] })).toBeNull();
  });
});

describe('readinessReport', () => {
  it('is ready only when every part answers true, and names a part that throws or answers false as failing', async () => {
    expect(await readinessReport({ a: () => true, b: async () => true })).toEqual({ status: 'ready', parts: { a: 'ok', b: 'ok' } });
    expect(await readinessReport({ a: () => true, b: () => false, c: async () => { throw new Error('/secret/path'); } }))
      .toEqual({ status: 'not ready', parts: { a: 'ok', b: 'failing', c: 'failing' } });
  });
});
