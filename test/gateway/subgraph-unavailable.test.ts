import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { freePort } from '../support/ports.ts';
import { devAuthHeader } from '../support/dev-token.ts';

describe('a gateway whose subgraphs are down', () => {
  let gateway: RunningGateway;
  let deadUrl: string;

  beforeAll(async () => {
    deadUrl = `http://127.0.0.1:${await freePort()}/graphql`;
    const config = readGatewayConfig({
      PORT: '0', CRM_SUBGRAPH_URL: deadUrl, ERP_SUBGRAPH_URL: deadUrl, COMMERCE_SUBGRAPH_URL: deadUrl, SOCIAL_SUBGRAPH_URL: deadUrl,
      SUBGRAPH_TIMEOUT_MS: '2000', AUDIT_DB_PATH: ':memory:',
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    gateway = await startGateway(config, createLogger('silent'));
  });
  afterAll(() => gateway.close());

  const post = async (body: unknown) => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await devAuthHeader()) }, body: JSON.stringify(body) });
    return { status: res.status, text: await res.text() };
  };

  it('answers UPSTREAM_UNAVAILABLE at the field\'s path, naming the subgraph but not its URL', async () => {
    const { status, text } = await post({ query: '{ first: order(id: "x") { id } customer(id: "y") { id } }' });
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.data).toEqual({ first: null, customer: null });
    expect(body.errors).toEqual(expect.arrayContaining([
      { message: 'The commerce subgraph is unavailable.', path: ['first'], extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'commerce' } },
      { message: 'The crm subgraph is unavailable.', path: ['customer'], extensions: { code: 'UPSTREAM_UNAVAILABLE', serviceName: 'crm' } },
    ]));
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('stacktrace');
  });

  it('refuses a syntax error with GRAPHQL_PARSE_FAILED and no stack trace', async () => {
    const { status, text } = await post({ query: '{ customer(id: ' });
    expect(status).toBe(200);
    expect(JSON.parse(text).errors[0].extensions).toEqual({ code: 'GRAPHQL_PARSE_FAILED' });
  });

  it('does not suggest field names for an unknown field', async () => {
    const { text } = await post({ query: '{ customer(id: "1") { nam } }' });
    const error = JSON.parse(text).errors[0];
    expect(error.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toBe('Cannot query field "nam" on type "Customer".');
  });

  it('answers a body that is not JSON with BAD_USER_INPUT', async () => {
    const res = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' });
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
