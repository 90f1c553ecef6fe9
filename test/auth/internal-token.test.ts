/**
 * Subgraphs trust only the gateway: over HTTP, each of the five refuses a request without a valid internal
 * token, and the gateway forwards the caller's verified claims in one, never the caller's token.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { SUBGRAPH_NAMES } from '../../schema/subgraphs.ts';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { createInternalTokenSigner } from '../../subgraphs/shared/internal-token-signer.ts';
import { startSubgraph, type RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { principalOf } from '../../subgraphs/shared/internal-auth.ts';
import { DEV_INTERNAL_TOKEN_SECRET } from '../../subgraphs/shared/config.ts';
import { useStack } from '../e2e/harness.ts';
import { devToken } from '../support/dev-token.ts';
import { internalAuthHeader, TEST_LISTEN } from '../support/internal-token.ts';

const t = useStack();
const key = new TextEncoder().encode(DEV_INTERNAL_TOKEN_SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A token with the right key whose claims the test chooses. */
const internalToken = (claims: Record<string, unknown>) =>
  new SignJWT({ sub: 'mallory', scope: 'pii:read', iss: 'crm-graph-gateway', iat: now(), exp: now() + 30, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key);

async function post(url: string, authorization?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return { status: res.status, body: await res.json() };
}

describe.each(SUBGRAPH_NAMES)('the %s subgraph', (name) => {
  const url = () => t.stack.subgraphs[name]!.url;
  const other = name === 'crm' ? 'erp' : 'crm';

  const refused: [string, () => Promise<string | undefined>][] = [
    ['no token', async () => undefined],
    ['a token signed with another key', async () => `Bearer ${await new SignJWT({ sub: 'x', iss: 'crm-graph-gateway', aud: name, iat: now(), exp: now() + 30 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('an-attacker-secret-that-is-long-enough'))}`],
    ['an internal token for another subgraph', async () => (await internalAuthHeader(other)).authorization],
    ["the caller's own client token", async () => `Bearer ${await devToken()}`],
    ['an expired internal token', async () => `Bearer ${await internalToken({ aud: name, iat: now() - 120, exp: now() - 60 })}`],
    ['an internal token that lives longer than 60 s', async () => `Bearer ${await internalToken({ aud: name, exp: now() + 3600 })}`],
    ['an internal token from another issuer', async () => `Bearer ${await internalToken({ aud: name, iss: 'someone-else' })}`],
    ['an unsigned token', async () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', aud: name, iss: 'crm-graph-gateway', iat: now(), exp: now() + 30 })).toString('base64url')}.`],
  ];

  it.each(refused)('refuses a request with %s (401, UNAUTHENTICATED)', async (_, authorization) => {
    const res = await post(url(), await authorization());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message: expect.stringMatching(/^This subgraph serves only the gateway|^The internal token/), extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('serves a request with a valid internal token', async () => {
    const res = await post(url(), (await internalAuthHeader(name)).authorization);
    expect(res).toEqual({ status: 200, body: { data: { __typename: 'Query' } } });
  });

  it('serves /health without a token', async () => {
    const res = await fetch(url().replace('/graphql', '/health'));
    expect(res.status).toBe(200);
  });
});

describe('the verified caller in a subgraph', () => {
  let subgraph: RunningSubgraph;
  beforeAll(async () => {
    subgraph = await startSubgraph({
      name: 'example',
      sdl: 'type Query { whoami: String }',
      context: () => ({ loaders: 'kept' }),
      resolvers: { Query: { whoami: (_: unknown, __: unknown, ctx: { loaders: string }) => {
        const principal = principalOf(ctx);
        return JSON.stringify({ loaders: ctx.loaders, subject: principal?.subject, clientId: principal?.clientId, scopes: [...principal!.scopes] });
      } } } as any,
    }, TEST_LISTEN);
  });
  afterAll(() => subgraph.close());

  it('is in the context, beside what the subgraph put there, for principalOf(context)', async () => {
    const res = await fetch(subgraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await internalAuthHeader('example', ['customers:read', 'pii:read'], 'alice')) },
      body: JSON.stringify({ query: '{ whoami }' }),
    });
    const body = await res.json();
    expect(JSON.parse(body.data.whoami)).toEqual({ loaders: 'kept', subject: 'alice', clientId: 'test-suite', scopes: ['customers:read', 'pii:read'] });
  });

  it('is null for a context without one, or with something else under auth', () => {
    expect(principalOf({})).toBeNull();
    expect(principalOf({ auth: { subject: 'forged', scopes: ['pii:read'] } })).toBeNull();
  });
});

describe('what the gateway sends a subgraph', () => {
  let capture: Server;
  let gateway: RunningGateway;
  const seen: IncomingHttpHeaders[] = [];
  beforeAll(async () => {
    // Stands in for the crm subgraph: records the request and answers with no customers.
    capture = createServer((req, res) => {
      seen.push(req.headers);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ data: { customers: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } })));
    });
    await new Promise<void>((resolve) => capture.listen(0, '127.0.0.1', resolve));
    const { subgraphs } = t.stack;
    const config = readGatewayConfig({
      PORT: '0', CRM_SUBGRAPH_URL: `http://127.0.0.1:${(capture.address() as AddressInfo).port}/graphql`, ERP_SUBGRAPH_URL: subgraphs.erp.url,
      COMMERCE_SUBGRAPH_URL: subgraphs.commerce.url, SOCIAL_SUBGRAPH_URL: subgraphs.social.url, SYNC_SUBGRAPH_URL: subgraphs.sync!.url, AUDIT_DB_PATH: ':memory:',
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    gateway = await startGateway(config, createLogger('silent'));
  });
  afterAll(async () => {
    await gateway?.close();
    capture.closeAllConnections();
    await new Promise<void>((resolve) => capture.close(() => resolve()));
  });

  it("is a short-lived internal token with the caller's verified claims, never the caller's token or other headers", async () => {
    const token = await devToken(['customers:read', 'pii:read'], { subject: 'alice', clientId: 'analytics' });
    await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, cookie: 'session=1', 'x-custom': 'y', 'x-request-id': 'req-42' },
      body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { id } } } }' }),
    });
    expect(seen).toHaveLength(1);
    const [headers] = seen;
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-custom']).toBeUndefined();
    expect(headers['x-request-id']).toBe('req-42');
    const internal = headers.authorization!.replace(/^Bearer /, '');
    expect(internal).not.toBe(token);
    expect(decodeProtectedHeader(internal).alg).toBe('HS256');
    const { payload } = await jwtVerify(internal, key, { issuer: 'crm-graph-gateway', audience: 'crm' });
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'analytics', scope: 'customers:read pii:read' });
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(60);
  });
});

describe('internal tokens', () => {
  it('are signed for one subgraph at a time', async () => {
    const sign = createInternalTokenSigner({ secret: DEV_INTERNAL_TOKEN_SECRET });
    const token = await sign({ subject: 'bob', clientId: null, scopes: new Set() }, 'social');
    const { payload } = await jwtVerify(token, key, { audience: 'social' });
    expect(payload).toMatchObject({ sub: 'bob', aud: 'social', scope: '' });
    expect(payload.client_id).toBeUndefined();
  });
});
