import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CrmHarness, CUSTOMER_ENTITIES, customerId, recordedContacts, startCrm, withContacts } from './harness.ts';

let crm: CrmHarness;
let wrongToken: CrmHarness;
const dataset = withContacts(recordedContacts());
const CUSTOMERS = '{ customers(first: 5) { edges { node { id } } } }';

/** The single error of an answer, checked to reveal nothing about where HubSpot is. */
function onlyError(answer: { errors?: { message: string; extensions?: Record<string, unknown> }[] }) {
  expect(answer.errors).toHaveLength(1);
  const [error] = answer.errors!;
  const text = JSON.stringify(error);
  for (const secret of [crm.standIn.url, '127.0.0.1', String(crm.standIn.port), 'localhost', 'pat-']) expect(text).not.toContain(secret);
  expect(error.extensions).not.toHaveProperty('stacktrace');
  return error;
}

beforeAll(async () => {
  crm = await startCrm({ dataset, timeoutMs: 300 });
  wrongToken = await startCrm({ dataset, token: 'pat-revoked' });
});
afterAll(async () => {
  await crm.close();
  await wrongToken.close();
});
beforeEach(() => crm.standIn.setFaults({}));

describe('crm subgraph when HubSpot fails', () => {
  it('reports UPSTREAM_ERROR when HubSpot answers 500', async () => {
    crm.standIn.setFaults({ failStatus: 500 });
    const error = onlyError(await crm.query(CUSTOMERS));
    expect(error).toMatchObject({ message: 'HubSpot failed (HTTP 500).', extensions: { code: 'UPSTREAM_ERROR', system: 'HubSpot', status: 500 } });
  });

  it('reports UPSTREAM_UNAVAILABLE when HubSpot drops the connection', async () => {
    crm.standIn.setFaults({ down: true });
    const error = onlyError(await crm.query(CUSTOMERS));
    expect(error).toMatchObject({ message: 'HubSpot is unreachable.', extensions: { code: 'UPSTREAM_UNAVAILABLE', system: 'HubSpot' } });
  });

  it('reports UPSTREAM_UNAVAILABLE when HubSpot rate-limits', async () => {
    crm.standIn.setFaults({ failStatus: 429 });
    expect(onlyError(await crm.query(CUSTOMERS)).extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
  });

  it('reports UPSTREAM_UNAVAILABLE when HubSpot answers after the timeout', async () => {
    crm.standIn.setFaults({ latencyMs: 600 });
    const error = onlyError(await crm.query(CUSTOMERS));
    expect(error).toMatchObject({ message: 'HubSpot did not answer within 300 ms.', extensions: { code: 'UPSTREAM_UNAVAILABLE' } });
  });

  it('reports UPSTREAM_ERROR when HubSpot refuses the token', async () => {
    const error = onlyError(await wrongToken.query(CUSTOMERS));
    expect(error.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', status: 401 });
  });

  it('fails each entity of a failed batch with the upstream code', async () => {
    crm.standIn.setFaults({ failStatus: 503 });
    const answer = await crm.query(CUSTOMER_ENTITIES, { representations: [{ __typename: 'Customer', id: customerId('107') }, { __typename: 'Customer', id: customerId('108') }] });
    expect(answer.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['_entities', 0], 'UPSTREAM_UNAVAILABLE'], [['_entities', 1], 'UPSTREAM_UNAVAILABLE']]);
  });
});
