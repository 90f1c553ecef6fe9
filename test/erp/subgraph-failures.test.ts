import { afterEach, describe, expect, it } from 'vitest';
import { customerRep, useErp, type ErpHarness, type GraphQLResult } from './harness.ts';
import { UNAVAILABLE_MARKER } from '../../subgraphs/shared/version.ts';

const t = useErp({ ODOO_TIMEOUT_MS: '300' });
afterEach(() => t.odoo.setFaults({}));

const SELECTION = '... on Customer { account { number balance { amount } } }';
const linked = (h: ErpHarness) => customerRep(h.dataset.hubspot.contacts.find((c) => c.properties.erp_partner_id)!);

/** The error at the account field, after checking that nothing about the upstream leaks into the response. */
function accountError(result: GraphQLResult, port: number) {
  expect(result.text).not.toContain(String(port));
  expect(result.text).not.toMatch(/127\.0\.0\.1|localhost|stacktrace|Traceback|odoo-dev-api-key/);
  expect(result.body.data._entities[0].account).toBeNull();
  expect(result.body.errors).toHaveLength(1);
  return result.body.errors![0];
}

describe('the ERP subgraph when Odoo fails', () => {
  it('answers UPSTREAM_UNAVAILABLE at the field when Odoo is down', async () => {
    t.odoo.setFaults({ down: true });
    const error = accountError(await t.entities([linked(t)], SELECTION), t.odoo.port);
    expect(error).toMatchObject({ path: ['_entities', 0, 'account'], extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'Odoo' } });
  });

  it('answers UPSTREAM_ERROR when Odoo answers 500', async () => {
    t.odoo.setFaults({ failStatus: 500 });
    const error = accountError(await t.entities([linked(t)], SELECTION), t.odoo.port);
    expect(error).toMatchObject({ path: ['_entities', 0, 'account'], extensions: { code: 'UPSTREAM_ERROR', system: 'Odoo', status: 500 } });
  });

  it('times out a slow Odoo with UPSTREAM_UNAVAILABLE', async () => {
    t.odoo.setFaults({ latencyMs: 1000 });
    const started = Date.now();
    const error = accountError(await t.entities([linked(t)], SELECTION), t.odoo.port);
    expect(Date.now() - started).toBeLessThan(900);
    expect(error).toMatchObject({ message: 'Odoo did not answer within 300 ms.', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });
});

describe('the ERP fields other subgraphs @require, when Odoo fails', () => {
  it('gives erpSource as the unavailable sentinel and erpVersion as UNAVAILABLE_MARKER, with no error of their own', async () => {
    for (const faults of [{ down: true }, { failStatus: 500 }]) {
      t.odoo.setFaults(faults);
      const customer = await t.entities([linked(t)], '... on Customer { erpSource { system externalId version updatedAt linkedBy } }');
      expect(customer.body).toEqual({ data: { _entities: [{ erpSource: { system: 'ERP', externalId: '', version: null, updatedAt: null, linkedBy: 'UNAVAILABLE' } }] } });
      const order = t.dataset.shopify.orders[0];
      const result = await t.entities([{ __typename: 'Order', id: `order-${order.id}`, number: order.name }], '... on Order { erpVersion }');
      expect(result.body).toEqual({ data: { _entities: [{ erpVersion: UNAVAILABLE_MARKER }] } });
      t.odoo.setFaults({});
    }
  });
});

describe('the ERP subgraph with a wrong configuration', () => {
  const wrongKey = useErp({ ODOO_TOKEN: 'not-the-key' });
  const wrongDatabase = useErp({ ODOO_DB: 'elsewhere' });

  it('answers UPSTREAM_ERROR without echoing the key when Odoo refuses it', async () => {
    const result = await wrongKey.entities([linked(wrongKey)], SELECTION);
    expect(result.text).not.toContain('not-the-key');
    expect(accountError(result, wrongKey.odoo.port)).toMatchObject({ extensions: { code: 'UPSTREAM_ERROR', status: 401 } });
  });

  it("names Odoo's exception, and only that, when the database is unknown", async () => {
    const error = accountError(await wrongDatabase.entities([linked(wrongDatabase)], SELECTION), wrongDatabase.odoo.port);
    expect(error).toMatchObject({
      message: 'Odoo answered res.partner/search_read with werkzeug.exceptions.NotFound (HTTP 404).',
      extensions: { code: 'UPSTREAM_ERROR', status: 404 },
    });
  });
});
