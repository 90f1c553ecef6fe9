/**
 * An unexpected failure in a subgraph (HubSpot answers well-formed JSON of a shape the CRM client does
 * not expect, and the transform throws): the client gets INTERNAL_SERVER_ERROR with the request id,
 * and the CRM subgraph, where it happened, logs exactly one line with that id, the cause and its stack.
 */
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { rawFetch } from '../setup/request-ids.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { readLogLines } from './log-lines.ts';

const logFile = join(inject('logDir'), `masked-error-${process.pid}-${Date.now()}.log`);
const t = useStack({ logFile });

const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';

async function askForCustomer(id: string) {
  const res = await rawFetch(t.stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await devAuthHeader()) },
    body: JSON.stringify({ query: 'query Lookup($id: ID!) { customer(id: $id) { id name } }', variables: { id } }),
  });
  return { requestId: res.headers.get('x-request-id'), body: await res.json() };
}

describe('a subgraph that fails unexpectedly', () => {
  it('answers INTERNAL_SERVER_ERROR with the request id, and the subgraph logs one line with that id and the cause', async () => {
    const contact = t.stack.dataset.hubspot.contacts[0];
    // A record without its properties object: the client reads `properties.…` and throws a TypeError.
    t.stack.standIns.hubspot.setFaults({ malformedBody: { endpoint: BATCH_READ, body: { status: 'COMPLETE', results: [{ id: contact.id, properties: null }] } } });
    let answer;
    try {
      answer = await askForCustomer(encodeId('Customer', contact.id));
    } finally {
      t.stack.standIns.hubspot.setFaults({});
    }
    const { requestId, body } = answer;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.errors).toEqual([{ message: 'Internal error.', path: ['customer'], extensions: { code: 'INTERNAL_SERVER_ERROR', serviceName: 'crm', requestId } }]);

    const lines = readLogLines(logFile).filter((l) => l.requestId === requestId);
    const masked = lines.filter((l) => l.msg === 'masked an internal error');
    expect(masked).toEqual([expect.objectContaining({ level: 50, service: 'crm', path: ['customer'], err: expect.objectContaining({ name: 'TypeError' }) })]);
    const stack = (masked[0].err as { stack: string }).stack;
    expect(stack).toMatch(/^at .*subgraphs\/crm\//m);
    // The cause's message (which could quote a value) is not logged, only its class and frames.
    expect(JSON.stringify(masked[0])).not.toContain('Cannot read');

    // Each process's line for the request: the gateway called the CRM subgraph, which called HubSpot.
    const requestLines = lines.filter((l) => l.msg === 'request');
    expect(requestLines.map((l) => l.service).sort()).toEqual(['crm', 'gateway']);
    expect(requestLines.find((l) => l.service === 'gateway')).toMatchObject({ operationName: 'Lookup', status: 200, outcome: 'errors', errorCodes: ['INTERNAL_SERVER_ERROR'], calls: { crm: 1 } });
    expect(requestLines.find((l) => l.service === 'crm')).toMatchObject({ outcome: 'errors', errorCodes: ['INTERNAL_SERVER_ERROR'], calls: { HubSpot: 1 } });
  });
});
