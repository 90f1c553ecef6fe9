/**
 * The gateway's cache of subgraph answers on the real stack: a customer's full view asked again is
 * answered with no subgraph or upstream call; a write through the gateway, a HubSpot webhook and the
 * internal invalidation route drop what they touch before anyone reads it again; callers with other
 * scopes never share an answer; an answer made from a search is not kept; every caller is audited.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useStack, type TestStack } from './harness.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { UNIFIED_CUSTOMER_FIELDS } from '../load/queries.ts';
import { ALL_SCOPES, devAuthHeader } from '../support/dev-token.ts';
import { internalAuthHeader } from '../support/internal-token.ts';
import { scrape } from '../support/prometheus.ts';

const auditPath = join(mkdtempSync(join(tmpdir(), 'answer-cache-audit-')), 'audit.db');
const t = useStack({ env: { AUDIT_DB_PATH: auditPath } });
const off = useStack({ env: { GATEWAY_ANSWER_CACHE_TTL_MS: '0' } });
// The sync service is not told where the gateway is: only the mutation's own answer can drop what it changed.
const unannounced = useStack({ env: { GATEWAY_URL: '' } });

const VIEW = `query View($id: ID!) { customer(id: $id) { ${UNIFIED_CUSTOMER_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $v: String!, $phone: String!) {
  updateCustomer(id: $id, expectedVersion: $v, input: { phone: $phone }) { customer { phone version } } }`;

const linked = (s: TestStack, n: number) =>
  s.stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.mastodon_acct && c.properties.country === 'France')[n];
const idOf = (contactId: string) => Buffer.from(`Customer:${contactId}`).toString('base64url');

async function total(baseUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  return [...await scrape(baseUrl)].filter(([key]) => key.startsWith(`${name}{`) && wanted.every((w) => key.includes(w))).reduce((sum, [, v]) => sum + v, 0);
}
/** Requests the read subgraphs served. */
const subgraphCalls = async (s: TestStack) => (await Promise.all((['crm', 'erp', 'commerce', 'social'] as const)
  .map((name) => total(s.stack.subgraphs[name]!.url, 'subgraph_requests_total')))).reduce((a, b) => a + b, 0);
const upstreamCalls = (s: TestStack) => Object.values(s.stack.upstreamCounters()).reduce((n, v) => n + v, 0);

async function view(s: TestStack, contactId: string, headers: Record<string, string> = {}) {
  const { body } = await s.gql(VIEW, { id: idOf(contactId) }, headers);
  expect(body.errors).toBeUndefined();
  return body.data.customer;
}

/** Views until the subgraphs' record caches are warm and the gateway keeps every answer (at most 4 views). */
async function warm(s: TestStack, contactId: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 4; i++) {
    const before = await subgraphCalls(s);
    const answer = await view(s, contactId, headers);
    if ((await subgraphCalls(s)) === before) return answer;
  }
  throw new Error('The view never came from the answer cache alone.');
}

describe('the gateway\'s answer cache', () => {
  it('answers a repeated full view with no subgraph and no upstream call from the second view on, and counts its hits', async () => {
    const contact = linked(t, 0);
    const first = await view(t, contact.id);
    const afterFirst = await subgraphCalls(t);
    expect(await view(t, contact.id)).toEqual(first);
    expect(await subgraphCalls(t)).toBe(afterFirst);
    const [calls, hits] = [await subgraphCalls(t), await total(t.stack.gatewayUrl, 'gateway_operation_cache_lookups_total', { cache: 'subgraph_answer', result: 'hit' })];
    t.stack.resetUpstreamCounters();
    for (let i = 0; i < 3; i++) expect(await view(t, contact.id)).toEqual(first);
    expect(await subgraphCalls(t)).toBe(calls);
    expect(upstreamCalls(t)).toBe(0);
    expect(await total(t.stack.gatewayUrl, 'gateway_operation_cache_lookups_total', { cache: 'subgraph_answer', result: 'hit' })).toBeGreaterThanOrEqual(hits + 3 * 4);
  });

  it('shows a write through the gateway to the very next read', async () => {
    const contact = linked(t, 1);
    const before = await warm(t, contact.id);
    const version = (await t.gql('query($id: ID!) { customer(id: $id) { version } }', { id: idOf(contact.id) })).body.data.customer.version;
    const written = await t.gql(UPDATE, { id: idOf(contact.id), v: version, phone: '+33 6 11 22 44 01' });
    expect(written.body.errors).toBeUndefined();
    const after = await view(t, contact.id);
    expect(after.phone).toBe('+33611224401');
    expect(after.phone).not.toBe(before.phone);
  });

  it('drops what a write through the gateway changed from the mutation\'s own answer, with no announcement to the gateway', async () => {
    const contact = linked(unannounced, 0);
    await warm(unannounced, contact.id);
    const version = (await unannounced.gql('query($id: ID!) { customer(id: $id) { version } }', { id: idOf(contact.id) })).body.data.customer.version;
    const written = await unannounced.gql(UPDATE, { id: idOf(contact.id), v: version, phone: '+33 6 11 22 44 03' });
    expect(written.body.errors).toBeUndefined();
    expect((await view(unannounced, contact.id)).phone).toBe('+33611224403');
  });

  it('drops a contact\'s answers when HubSpot\'s webhook about it arrives', async () => {
    const contact = linked(t, 2);
    await warm(t, contact.id);
    const res = await fetch(`${t.stack.standIns.hubspot.url}/crm/v3/objects/contacts/${contact.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEV_CREDENTIALS.hubspot}`, 'content-type': 'application/json', 'x-standin-change-source': 'CRM_UI' },
      body: JSON.stringify({ properties: { phone: '+33 6 11 22 44 02' } }),
    });
    expect(res.status).toBe(200);
    await t.stack.standIns.hubspot.webhooksSettled();
    await t.stack.sync!.inbox.drain();
    expect((await view(t, contact.id)).phone).toBe('+33611224402');
  });

  it('drops what the internal route names, and refuses a caller without an internal token', async () => {
    const contact = linked(t, 3);
    await warm(t, contact.id);
    const route = t.stack.gatewayUrl.replace(/\/graphql$/, '/internal/record-invalidation');
    const body = JSON.stringify({ keys: [{ system: 'CRM', kind: 'contact', id: contact.id }] });
    expect((await fetch(route, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    const calls = await subgraphCalls(t);
    await view(t, contact.id);
    expect(await subgraphCalls(t)).toBe(calls);
    const dropped = await fetch(route, { method: 'POST', headers: { 'content-type': 'application/json', ...await internalAuthHeader('gateway', []) }, body });
    expect(dropped.status).toBe(204);
    await view(t, contact.id);
    expect(await subgraphCalls(t)).toBeGreaterThan(calls);
  });

  it('never serves an answer kept for other scopes, and audits every caller', async () => {
    const contact = linked(t, 4);
    await warm(t, contact.id);
    const withoutPii = await devAuthHeader(ALL_SCOPES.filter((s) => s !== 'pii:read'), { subject: 'answer-cache-no-pii' });
    const calls = await subgraphCalls(t);
    const { body } = await t.gql(VIEW, { id: idOf(contact.id) }, withoutPii);
    expect(await subgraphCalls(t)).toBeGreaterThan(calls);
    expect(body.data?.customer?.email ?? null).toBeNull();

    const readers = await Promise.all([1, 2].map((i) => devAuthHeader(ALL_SCOPES, { subject: `answer-cache-reader-${i}` })));
    for (const h of readers) await view(t, contact.id, h);
    const log = await t.openAuditLog();
    try {
      for (const i of [1, 2]) expect(await log.bySubject(`answer-cache-reader-${i}`)).toEqual([expect.objectContaining({ customerIds: [idOf(contact.id)] })]);
    } finally {
      await log.close();
    }
  });

  it('keeps no answer made from a search', async () => {
    const page = 'query { customers(first: 3) { edges { node { id name } } } }';
    await t.gql(page);
    await t.gql(page);
    const calls = await subgraphCalls(t);
    await t.gql(page);
    expect(await subgraphCalls(t)).toBeGreaterThan(calls);
  });

  it('with GATEWAY_ANSWER_CACHE_TTL_MS=0 asks the subgraphs every time', async () => {
    const contact = linked(off, 0);
    for (let i = 0; i < 3; i++) await view(off, contact.id);
    const calls = await subgraphCalls(off);
    await view(off, contact.id);
    expect(await subgraphCalls(off)).toBeGreaterThan(calls);
  });
});
