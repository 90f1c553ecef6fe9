/**
 * A stand-in identity provider for the authentication tests: key pairs (RS256, ES256, EdDSA), a JWKS
 * served over HTTP on port 0 that a test can rotate, and a signer for tokens with any claims.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export const ISSUER = 'https://id.example.test/';
export const AUDIENCE = 'crm-graph';

export interface TestKey {
  kid: string;
  alg: 'RS256' | 'ES256' | 'EdDSA';
  privateKey: CryptoKey;
  publicJwk: JWK;
  /** The public key as PEM, for the algorithm-confusion attack. */
  publicPem: string;
}

export async function createKey(kid: string, alg: TestKey['alg']): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
}

export interface JwksServer {
  url: string;
  /** Serves exactly these keys from now on. */
  setKeys(keys: TestKey[]): void;
  /** How many times the JWKS was fetched. */
  fetches(): number;
  close(): Promise<void>;
}

/** Serves `keys` at /.well-known/jwks.json on a free port of its own. */
export async function startJwksServer(keys: TestKey[]): Promise<JwksServer> {
  let served = keys;
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: served.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    setKeys: (next) => { served = next; },
    fetches: () => fetches,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const now = () => Math.floor(Date.now() / 1000);

/** Claims of a token this gateway accepts: its issuer and audience, a subject, an hour left. */
export const goodClaims = (extra: JWTPayload = {}): JWTPayload =>
  ({ iss: ISSUER, aud: AUDIENCE, sub: 'auth-test-subject', scope: 'customers:read', iat: now(), exp: now() + 3600, ...extra });

/** A token over exactly `claims` (a claim set to undefined is left out), signed with `key` and naming its kid. */
export function sign(key: TestKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const defined = Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
  return new SignJWT(defined).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...header }).sign(key.privateKey);
}

/** A compact JWS with the given header and claims and no signature (`alg: none`). */
export function unsigned(claims: JWTPayload): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** The token with its payload replaced, keeping the original header and signature. */
export function tamper(token: string, claims: JWTPayload): string {
  const [header, , signature] = token.split('.');
  return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
}

/** Seconds since the epoch. */
export { now };
