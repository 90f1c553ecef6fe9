import { describe, expect, it } from 'vitest';
import { useStack, type GraphQLResult } from './harness.ts';

// Caches off: a record or answer kept from an earlier test would (rightly) answer while its upstream is down.
const t = useStack({ env: {
  ODOO_TIMEOUT_MS: '500', SHOPIFY_TIMEOUT_MS: '500',
  CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0', GATEWAY_ANSWER_CACHE_TTL_MS: '0',
} });

const QUERY = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node {
  name email account { number balance { amount } } lifetimeValue { amount }
} } } }`;

/** Asserts what every upstream failure response must not contain. */
function expectNothingLeaked(result: GraphQLResult): void {
  const { stack } = t;
  for (const s of Object.values(stack.standIns)) expect(result.text).not.toContain(String(s.port));
  expect(result.text).not.toMatch(/127\.0\.0\.1|localhost|stacktrace|at .*\.ts:\d+/);
}

async function linkedEmail(): Promise<string> {
  return t.stack.dataset.hubspot.contacts.find((c) => c.properties.erp_partner_id && c.properties.shop_customer_id)!.properties.email!;
}

describe('an upstream that fails', () => {
  it('makes only the ERP fields null when Odoo is down, with UPSTREAM_UNAVAILABLE at their paths', async () => {
    t.stack.standIns.odoo.setFaults({ down: true });
    try {
      const result = await t.gql(QUERY, { email: await linkedEmail() });
      const node = result.body.data.customers.edges[0].node;
      expect(node.name).toEqual(expect.any(String));
      expect(node.email).toEqual(expect.any(String));
      expect(node.account).toBeNull();
      expect(result.body.errors).toContainEqual(expect.objectContaining({
        path: ['customers', 'edges', 0, 'node', 'account'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', serviceName: 'erp' }),
      }));
      expectNothingLeaked(result);
    } finally {
      t.stack.standIns.odoo.setFaults({});
    }
  });

  it('answers UPSTREAM_ERROR when Odoo answers 500', async () => {
    t.stack.standIns.odoo.setFaults({ failStatus: 500 });
    try {
      const result = await t.gql(QUERY, { email: await linkedEmail() });
      expect(result.body.data.customers.edges[0].node.account).toBeNull();
      expect(result.body.errors).toContainEqual(expect.objectContaining({
        path: ['customers', 'edges', 0, 'node', 'account'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_ERROR', serviceName: 'erp' }),
      }));
      expectNothingLeaked(result);
    } finally {
      t.stack.standIns.odoo.setFaults({});
    }
  });

  it('times out a slow upstream instead of hanging', async () => {
    t.stack.standIns.shopify.setFaults({ latencyMs: 2000 });
    try {
      const started = Date.now();
      const result = await t.gql('{ orders(first: 1) { edges { node { number } } } }');
      expect(Date.now() - started).toBeLessThan(1900);
      expect(result.body.data).toBeNull();
      expect(result.body.errors).toContainEqual(expect.objectContaining({
        path: ['orders'],
        extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', serviceName: 'commerce' }),
      }));
      expectNothingLeaked(result);
    } finally {
      t.stack.standIns.shopify.setFaults({});
    }
  });

  it('makes the CRM root field null with UPSTREAM_UNAVAILABLE when HubSpot is down', async () => {
    t.stack.standIns.hubspot.setFaults({ down: true });
    try {
      const result = await t.gql('query($id: ID!) { customer(id: $id) { name } }', { id: 'Q3VzdG9tZXI6MTAx' });
      expect(result.body.data).toEqual({ customer: null });
      expect(result.body.errors).toEqual([expect.objectContaining({
        path: ['customer'], extensions: expect.objectContaining({ code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm' }),
      })]);
      expectNothingLeaked(result);
    } finally {
      t.stack.standIns.hubspot.setFaults({});
    }
  });
});
