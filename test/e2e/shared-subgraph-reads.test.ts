/**
 * Identical subgraph reads in flight are shared between concurrent queries at the gateway
 * (gateway/subgraph-transport/in-flight-reads.ts), seen through the whole stack: fewer calls reach the
 * subgraph, every caller still gets its full answer under its own scopes, mutations share nothing,
 * and the audit log records every caller.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { ALL_SCOPES, devAuthHeader } from '../support/dev-token.ts';
import { scrape } from '../support/prometheus.ts';

const auditPath = join(mkdtempSync(join(tmpdir(), 'shared-reads-audit-')), 'audit.db');
const t = useStack({ env: { AUDIT_DB_PATH: auditPath } });
const withoutPii = ALL_SCOPES.filter((s) => s !== 'pii:read');
const N = 10;

const PAGE = 'query SharedPage { customers(first: 5) { edges { node { id firstName lastName email } } } }';

/** A counter's total over all its series, at a service's /metrics. */
async function total(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const samples = await scrape(baseUrl);
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return [...samples].filter(([key]) => key.startsWith(`${name}{`) && wanted.every((w) => key.includes(w))).reduce((sum, [, v]) => sum + v, 0);
}

const crmRequests = () => total(t.stack.subgraphs.crm.url, 'subgraph_requests_total');
const inFlightLookups = (result: string) => total(t.stack.gatewayUrl, 'gateway_operation_cache_lookups_total', { cache: 'subgraph_in_flight', result });

describe('sharing identical subgraph reads between concurrent queries', () => {
  it('sends fewer calls than callers, and every caller (same scopes, its own subject) gets the full answer and its own audit row', async () => {
    const alone = await t.gql(PAGE);
    expect(alone.body.errors).toBeUndefined();
    const expected = alone.body.data;
    expect(expected.customers.edges).toHaveLength(5);
    expect(expected.customers.edges[0].node.email).toEqual(expect.any(String));

    const headers = await Promise.all(Array.from({ length: N }, (_, i) => devAuthHeader(ALL_SCOPES, { subject: `shared-reader-${i}` })));
    const [callsBefore, joinedBefore] = [await crmRequests(), await inFlightLookups('hit')];
    const answers = await Promise.all(headers.map((h) => t.gql(PAGE, {}, h)));
    for (const answer of answers) {
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data).toEqual(expected);
    }
    const calls = (await crmRequests()) - callsBefore;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThan(N);
    expect((await inFlightLookups('hit')) - joinedBefore).toBe(N - calls);

    const ids = expected.customers.edges.map((e: any) => e.node.id);
    const log = await t.openAuditLog();
    try {
      for (let i = 0; i < N; i++) expect(await log.bySubject(`shared-reader-${i}`)).toEqual([expect.objectContaining({ fields: ['Customer.email'], customerIds: ids })]);
    } finally {
      await log.close();
    }
  });

  it('never gives a caller without pii:read an answer fetched for callers with it', async () => {
    const [withPii, without] = await Promise.all([devAuthHeader(ALL_SCOPES, { subject: 'mixed-pii' }), devAuthHeader(withoutPii, { subject: 'mixed-narrow' })]);
    const answers = await Promise.all(Array.from({ length: N }, (_, i) => t.gql(PAGE, {}, i % 2 === 0 ? withPii : without)));
    answers.forEach((answer, i) => {
      const emails = answer.body.data.customers.edges.map((e: any) => e.node.email);
      if (i % 2 === 0) {
        expect(answer.body.errors).toBeUndefined();
        for (const email of emails) expect(email).toEqual(expect.stringContaining('@'));
      } else {
        expect(emails).toEqual([null, null, null, null, null]);
        expect(answer.text).not.toContain('@');
        expect(answer.body.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      }
    });
  });

  it('never shares for a mutation, not even its reads after the write', async () => {
    const { body } = await t.gql('{ customers(first: 1) { edges { node { id version } } } }');
    const { id, version } = body.data.customers.edges[0].node;
    const UPDATE = `mutation SharedUpdate($id: ID!, $v: String!) { updateCustomer(id: $id, expectedVersion: $v, input: { lastName: "Inflight" }, idempotencyKey: "shared-reads-1") {
      customer { id firstName lastName email } } }`;
    const [callsBefore, hitsBefore, missesBefore] = [await crmRequests(), await inFlightLookups('hit'), await inFlightLookups('miss')];
    const answers = await Promise.all(Array.from({ length: 4 }, () => t.gql(UPDATE, { id, v: version })));
    for (const answer of answers) expect(answer.body.data.updateCustomer.customer).toMatchObject({ id, lastName: 'Inflight' });
    expect((await crmRequests()) - callsBefore).toBeGreaterThanOrEqual(4);
    expect([(await inFlightLookups('hit')) - hitsBefore, (await inFlightLookups('miss')) - missesBefore]).toEqual([0, 0]);
  });
});
