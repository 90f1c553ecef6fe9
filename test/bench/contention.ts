/**
 * `npm run bench -- contention`: N concurrent updateCustomer with one expectedVersion on one customer
 * (300 by default, `--writers N`), through the gateway, three rounds on three customers. Prints per
 * round the answers by outcome and how long the slowest took: one write wins, the others are refused
 * with VERSION_CONFLICT as soon as it has committed (issue 11's target: all answered within 3 s).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startStack } from '../../upstreams/stack.ts';
import { devToken } from '../support/dev-token.ts';

const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version } } } }`;
const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) {
  updateCustomer(id: $id, expectedVersion: $v, input: $input) { sync { system status } } }`;
const ROUNDS = 3;

export async function benchContention(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(3), options: { writers: { type: 'string', default: '300' } } });
  const writers = Number(values.writers);
  if (!Number.isInteger(writers) || writers < 2 || writers > 5000) throw new Error(`--writers must be an integer from 2 to 5000: ${values.writers}`);
  const dir = mkdtempSync(join(tmpdir(), 'bench-contention-'));
  const stack = await startStack({
    logLevel: 'silent',
    env: { SYNC_DB_PATH: join(dir, 'gateway.db'), AUDIT_DB_PATH: join(dir, 'audit.db'), RECONCILE_INTERVAL_MS: '0', COST_BUDGET_PER_MINUTE: '1000000000' },
  });
  try {
    const token = await devToken();
    const gql = async (query: string, variables: Record<string, unknown>) => (await (await fetch(stack.gatewayUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }),
    })).json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
    const contacts = stack.dataset.hubspot.contacts.filter((c) => c.properties.erp_partner_id && c.properties.shop_customer_id && c.properties.email);
    console.log(`contention: ${writers} concurrent updateCustomer with one expectedVersion, ${ROUNDS} rounds`);
    console.log('round  success  VERSION_CONFLICT  other  slowest ms  median ms');
    for (let round = 0; round < ROUNDS; round += 1) {
      const customer = (await gql(READ, { email: contacts[round].properties.email })).data.customers.edges[0].node as { id: string; version: string };
      const started = performance.now();
      const outcomes = await Promise.all(Array.from({ length: writers }, async (_, i) => {
        const result = await gql(UPDATE, { id: customer.id, v: customer.version, input: { lastName: `Racer${round}-${i}` } });
        return { code: result.data?.updateCustomer ? 'success' : result.errors?.[0]?.extensions?.code ?? 'error', ms: performance.now() - started };
      }));
      const ms = outcomes.map((o) => o.ms).sort((a, b) => a - b);
      const count = (code: string) => outcomes.filter((o) => o.code === code).length;
      const other = writers - count('success') - count('VERSION_CONFLICT');
      console.log(`${String(round + 1).padStart(5)}  ${String(count('success')).padStart(7)}  ${String(count('VERSION_CONFLICT')).padStart(16)}  ${String(other).padStart(5)}  ${ms.at(-1)!.toFixed(0).padStart(10)}  ${ms[Math.floor(ms.length / 2)].toFixed(0).padStart(9)}`);
    }
  } finally {
    await stack.close();
  }
}
