/**
 * The gateway bundled (gateway/build/bundle-entry.ts) and run as its own process with plain `node`, no
 * tsx, in front of the test's subgraphs: it finds its supergraph and packages from the bundle's folder
 * (inside the project, as a bundle must be: dist/), and answers as the gateway run from source does.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleEntry } from '../../gateway/build/bundle-entry.ts';
import { startPartProcess, stopChild, type PartProcess } from '../../upstreams/replicas/processes.ts';
import { useStack } from '../e2e/harness.ts';
import { devToken } from '../support/dev-token.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const t = useStack();
let dir = '';
let gateway: PartProcess | undefined;
let written: string[] = [];

beforeAll(async () => {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  dir = mkdtempSync(join(ROOT, 'dist', 'test-'));
  written = await bundleEntry(join(ROOT, 'gateway/main.ts'), join(dir, 'gateway.js'));
  const s = t.stack.subgraphs;
  gateway = await startPartProcess({
    name: 'bundled gateway', script: join(dir, 'gateway.js'), tsx: false, port: 0, stdout: 'ignore',
    env: (port) => ({
      ...process.env, PORT: String(port), LOG_LEVEL: 'warn', COST_BUDGET_PER_MINUTE: '1000000000',
      AUDIT_DB_PATH: join(mkdtempSync(join(tmpdir(), 'gateway-bundle-')), 'audit.db'),
      CRM_SUBGRAPH_URL: s.crm.url, ERP_SUBGRAPH_URL: s.erp.url, COMMERCE_SUBGRAPH_URL: s.commerce.url, SOCIAL_SUBGRAPH_URL: s.social.url, SYNC_SUBGRAPH_URL: s.sync!.url,
    }),
  });
});

afterAll(async () => {
  if (gateway) await stopChild(gateway.child);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CUSTOMER = '{ customers(first: 1, filter: { email: "dennis.hopper0@example.com" }) { edges { node { id name email account { number balance { amount currency } } orders(first: 2) { edges { node { number total { amount currency } } } } } } } }';

const ask = async (url: string, scopes: readonly string[], query = CUSTOMER) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await devToken(scopes)}` },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: await res.json() };
};

describe('the bundled gateway', () => {
  it('answers a customer across the subgraphs exactly as the gateway run from source', async () => {
    const answer = await ask(`${gateway!.base}/graphql`, ['customers:read', 'pii:read', 'finance:read']);

    const customer = answer.body.data.customers.edges[0].node;
    expect(customer).toMatchObject({ name: 'Dennis Hopper', email: 'dennis.hopper0@example.com', account: { number: expect.stringMatching(/^C\d+$/) } });
    expect(customer.orders.edges.length).toBe(2);
    expect(answer).toEqual(await ask(t.stack.gatewayUrl, ['customers:read', 'pii:read', 'finance:read']));
  });

  it('refuses a field whose scope the token lacks, and serves the rest', async () => {
    const answer = await ask(`${gateway!.base}/graphql`, ['customers:read'], '{ customers(first: 1) { edges { node { name email } } } }');

    expect(answer.status).toBe(200);
    expect(answer.body.data.customers.edges[0].node).toEqual({ name: expect.any(String), email: null });
    expect(answer.body.errors).toEqual([{
      message: 'Not authorized to read Customer.email: requires the scope pii:read.',
      path: ['customers', 'edges', 0, 'node', 'email'],
      extensions: { code: 'FORBIDDEN' },
    }]);
  });

  it('forks its acceptor process as the JavaScript bundled beside it, with plain node (no tsx)', () => {
    const pid = gateway!.child.pid!;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    const commands = children.map((child) => readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean));
    expect(written).toEqual([join(dir, 'gateway.js'), join(dir, 'gateway.acceptor.js')]);
    expect(commands).toEqual([[process.execPath, join(dir, 'gateway.acceptor.js')]]);
  });

  it('answers /health', async () => {
    const res = await fetch(`${gateway!.base}/health`);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
