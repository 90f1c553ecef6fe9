/**
 * Client tokens at the gateway, over HTTP: one gateway verifying against a JWKS served by a stand-in
 * identity provider (with issuer and audience configured, asymmetric keys only), and one in development
 * mode with the HS256 development secret, both over the same running subgraphs.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SignJWT } from 'jose';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { useStack } from '../e2e/harness.ts';
import { devToken } from '../support/dev-token.ts';
import { AUDIENCE, createKey, goodClaims, ISSUER, now, sign, startJwksServer, tamper, unsigned, type JwksServer, type TestKey } from './identity-provider.ts';

// Bound before the stack starts, on a port of its own choosing (a port picked free and bound later can be taken meanwhile);
// it serves its keys once they are made, before any test runs.
const idp: JwksServer = await startJwksServer([]);
const t = useStack({
  env: { AUTH_JWKS_URL: idp.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE, AUTH_JWKS_COOLDOWN_MS: '0' },
});

let devGateway: RunningGateway;
const keys = {} as Record<'rs' | 'es' | 'ed' | 'impostor' | 'stranger' | 'next', TestKey>;

beforeAll(async () => {
  keys.rs = await createKey('rs-1', 'RS256');
  keys.es = await createKey('es-1', 'ES256');
  keys.ed = await createKey('ed-1', 'EdDSA');
  // Same kid as the real RSA key, other key material.
  keys.impostor = await createKey('rs-1', 'RS256');
  keys.stranger = await createKey('rs-unknown', 'RS256');
  keys.next = await createKey('rs-2', 'RS256');
  idp.setKeys([keys.rs, keys.es, keys.ed]);
  const { subgraphs } = t.stack;
  const config = readGatewayConfig({
    PORT: '0', CRM_SUBGRAPH_URL: subgraphs.crm.url, ERP_SUBGRAPH_URL: subgraphs.erp.url, COMMERCE_SUBGRAPH_URL: subgraphs.commerce.url,
    SOCIAL_SUBGRAPH_URL: subgraphs.social.url, SYNC_SUBGRAPH_URL: subgraphs.sync!.url, AUDIT_DB_PATH: ':memory:',
  }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
  devGateway = await startGateway(config, createLogger('info', join(inject('logDir'), `dev-gateway-${process.pid}-${Date.now()}.log`)));
});
afterAll(async () => {
  await devGateway?.close();
  await idp.close();
});

const QUERY = '{ customers(first: 1) { edges { node { id name } } } }';

interface Answer { status: number; text: string; body: any; headers: Headers }

async function post(token: string | null, options: { gateway?: 'jwks' | 'dev'; authorization?: string; search?: string; query?: string } = {}): Promise<Answer> {
  const base = options.gateway === 'dev' ? devGateway.url : t.stack.gatewayUrl;
  const authorization = options.authorization ?? (token === null ? undefined : `Bearer ${token}`);
  const res = await fetch(`${base}${options.search ?? ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: JSON.stringify({ query: options.query ?? QUERY }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text), headers: res.headers };
}

interface Refusal {
  name: string;
  token: () => Promise<string | null> | string | null;
  options?: Parameters<typeof post>[1];
  message: string;
}

const refusals: Refusal[] = [
  { name: 'no token', token: () => null, message: 'No bearer token was presented.' },
  { name: 'an empty authorization header', token: () => null, options: { authorization: '' }, message: 'No bearer token was presented.' },
  { name: 'another authorization scheme', token: () => null, options: { authorization: 'Basic YWxpY2U6c2VjcmV0' }, message: 'No bearer token was presented: only the Bearer authorization scheme is accepted.' },
  { name: 'a bearer token with characters a token cannot have', token: () => null, options: { authorization: 'Bearer a b c' }, message: 'The bearer token is malformed.' },
  { name: 'a malformed token', token: () => 'not-a-jwt', message: 'The token is malformed.' },
  { name: 'a token of two parts', token: async () => (await sign(keys.rs, goodClaims())).split('.').slice(0, 2).join('.'), message: 'The token is malformed.' },
  { name: 'alg: none', token: () => unsigned(goodClaims()), message: "The token's signing algorithm is not accepted." },
  {
    name: 'HS256 signed with the RSA public key (algorithm confusion)',
    token: () => new SignJWT(goodClaims()).setProtectedHeader({ alg: 'HS256', kid: keys.rs.kid }).sign(new TextEncoder().encode(keys.rs.publicPem)),
    message: "The token's signing algorithm is not accepted.",
  },
  { name: 'a development token where only the JWKS is trusted', token: () => devToken(), message: "The token's signing algorithm is not accepted." },
  { name: 'the right kid but another key', token: () => sign(keys.impostor, goodClaims()), message: "The token's signature is not valid." },
  { name: 'a tampered payload', token: async () => tamper(await sign(keys.rs, goodClaims()), goodClaims({ scope: 'customers:read pii:read finance:read' })), message: "The token's signature is not valid." },
  { name: 'an expired token (beyond the 30 s tolerance)', token: () => sign(keys.rs, goodClaims({ iat: now() - 7200, exp: now() - 60 })), message: 'The token has expired.' },
  { name: 'a token not valid yet (nbf beyond the 30 s tolerance)', token: () => sign(keys.rs, goodClaims({ nbf: now() + 120 })), message: 'The token is not valid yet.' },
  { name: 'a token without exp', token: () => sign(keys.rs, goodClaims({ exp: undefined })), message: 'The token has no valid expiry time (exp).' },
  { name: 'a token from another issuer', token: () => sign(keys.rs, goodClaims({ iss: 'https://evil.example.test/' })), message: 'The token is from another issuer.' },
  { name: 'a token for another audience', token: () => sign(keys.rs, goodClaims({ aud: 'another-api' })), message: 'The token is for another audience.' },
  { name: 'a token without a subject', token: () => sign(keys.rs, goodClaims({ sub: undefined })), message: 'The token has no subject (sub).' },
  { name: 'a token whose kid the JWKS does not have', token: () => sign(keys.stranger, goodClaims()), message: "The token's signing key is not known." },
  {
    name: 'a valid token in the query string, even beside a valid header',
    token: () => sign(keys.rs, goodClaims()),
    options: { search: '?access_token=x' },
    message: 'A token in the URL is refused: send it in the Authorization header as a bearer token.',
  },
  { name: 'a token in the query string alone (jwt=…)', token: () => null, options: { search: '?JWT=abc.def.ghi' }, message: 'A token in the URL is refused: send it in the Authorization header as a bearer token.' },
  {
    name: 'an HS256 token with another secret (development gateway)',
    token: () => new SignJWT({ sub: 'x', exp: now() + 60 }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('not-the-development-secret-but-long-enough')),
    options: { gateway: 'dev' },
    message: "The token's signature is not valid.",
  },
  { name: 'an RS256 token at a gateway with no JWKS (development gateway)', token: () => sign(keys.rs, goodClaims()), options: { gateway: 'dev' }, message: "The token's signing algorithm is not accepted." },
];

describe('the gateway refuses a request without a valid bearer token', () => {
  it.each(refusals)('$name', async ({ token, options, message }) => {
    const sent = await token();
    const res = await post(sent, options);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    for (const part of sent?.split('.').filter((p) => p.length > 8) ?? []) expect(res.text).not.toContain(part);
    expect(res.text).not.toContain('auth-test-subject');
  });
});

describe('the gateway accepts a valid bearer token', () => {
  const accepted: { name: string; token: () => Promise<string>; gateway?: 'dev' }[] = [
    { name: 'RS256 from the JWKS', token: () => sign(keys.rs, goodClaims()) },
    { name: 'ES256 from the JWKS', token: () => sign(keys.es, goodClaims()) },
    { name: 'EdDSA from the JWKS', token: () => sign(keys.ed, goodClaims()) },
    { name: 'one expired less than 30 s ago (clock tolerance)', token: () => sign(keys.rs, goodClaims({ exp: now() - 10 })) },
    { name: 'one whose audience list includes ours, with scopes in scp', token: () => sign(keys.rs, goodClaims({ aud: ['other', AUDIENCE], scope: undefined, scp: ['customers:read'] })) },
    { name: 'a development token (development gateway)', token: () => devToken(['customers:read']), gateway: 'dev' },
  ];
  it.each(accepted)('$name', async ({ token, gateway }) => {
    const res = await post(await token(), { gateway });
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.customers.edges).toHaveLength(1);
  });
});

describe('key rotation at the identity provider', () => {
  it('accepts a token signed with a key published after the JWKS was first fetched, and drops the retired key', async () => {
    expect((await post(await sign(keys.rs, goodClaims()))).status).toBe(200);
    idp.setKeys([keys.next, keys.es, keys.ed]);
    const before = idp.fetches();
    const rotated = await post(await sign(keys.next, goodClaims()));
    expect(rotated.status).toBe(200);
    expect(idp.fetches()).toBeGreaterThan(before);
    const retired = await post(await sign(keys.rs, goodClaims()));
    expect(retired.status).toBe(401);
    expect(retired.body.errors[0].message).toBe("The token's signing key is not known.");
  });
});

describe('what needs a token', () => {
  it('serves /health without one', async () => {
    const res = await fetch(t.stack.gatewayUrl.replace('/graphql', '/health'));
    expect(res.status).toBe(200);
  });

  it('refuses introspection without one, and answers it with one', async () => {
    const query = '{ __schema { queryType { name } } }';
    expect((await post(null, { query })).status).toBe(401);
    const res = await post(await sign(keys.es, goodClaims({ scope: 'schema:read' })), { query });
    expect(res.body).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
  });

  it('refuses a GET request carrying the token in the URL', async () => {
    const token = await devToken();
    const res = await fetch(`${devGateway.url}?query=${encodeURIComponent('{ __typename }')}&access_token=${token}`);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(token.split('.')[1]);
  });
});
