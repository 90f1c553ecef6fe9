/** The authenticator on its own: who the principal is, and a JWKS from a file. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SignJWT } from 'jose';
import { createAuthenticator } from '../../gateway/auth/authenticator.ts';
import { DEV_AUTH_HS256_SECRET, readAuthConfig } from '../../gateway/auth/auth-config.ts';
import { AuthenticationError } from '../../gateway/auth/principal.ts';
import { devToken } from '../support/dev-token.ts';
import { AUDIENCE, createKey, goodClaims, ISSUER, sign } from './identity-provider.ts';

const URL_ = new URL('http://gateway/graphql');
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('the principal', () => {
  const authenticator = createAuthenticator(readAuthConfig({}));

  it('has the subject, the client id and the scopes of a scope string', async () => {
    const principal = await authenticator.authenticate(bearer(await devToken(['customers:read', 'pii:read'], { subject: 'alice', clientId: 'crm-app' })), URL_);
    expect(principal).toEqual({ subject: 'alice', clientId: 'crm-app', scopes: new Set(['customers:read', 'pii:read']) });
  });

  it('takes scopes from an scp array and the client from azp', async () => {
    const secret = new TextEncoder().encode(DEV_AUTH_HS256_SECRET);
    const token = await new SignJWT({ scp: ['customers:read', 42, 'finance:read'], azp: 'spa' }).setProtectedHeader({ alg: 'HS256' }).setSubject('bob').setExpirationTime('5m').sign(secret);
    expect(await authenticator.authenticate(bearer(token), URL_)).toEqual({ subject: 'bob', clientId: 'spa', scopes: new Set(['customers:read', 'finance:read']) });
  });

  it('has no scopes when the token grants none', async () => {
    const principal = await authenticator.authenticate(bearer(await devToken([])), URL_);
    expect(principal.scopes.size).toBe(0);
  });

  it('accepts the scheme in any letter case', async () => {
    const principal = await authenticator.authenticate({ authorization: `bearer ${await devToken()}` }, URL_);
    expect(principal.subject).toBe('test-suite');
  });
});

describe('a token verified before', () => {
  afterEach(() => vi.useRealTimers());

  it('is the same caller again, and refused once past its expiry and the clock tolerance', async () => {
    const authenticator = createAuthenticator(readAuthConfig({}));
    const secret = new TextEncoder().encode(DEV_AUTH_HS256_SECRET);
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ scope: 'customers:read' }).setProtectedHeader({ alg: 'HS256' }).setSubject('carol').setIssuedAt(now).setExpirationTime(now + 10).sign(secret);
    const first = await authenticator.authenticate(bearer(token), URL_);
    expect(await authenticator.authenticate(bearer(token), URL_)).toEqual(first);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime((now + 10 + 29) * 1000);
    expect((await authenticator.authenticate(bearer(token), URL_)).subject).toBe('carol');
    vi.setSystemTime((now + 10 + 30) * 1000);
    await expect(authenticator.authenticate(bearer(token), URL_)).rejects.toMatchObject({ reason: 'expired' });
  });
});

describe('a JWKS from a file (AUTH_JWKS_FILE)', () => {
  it('verifies tokens signed with its keys, and only those', async () => {
    const key = await createKey('file-1', 'ES256');
    const file = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'jwks.json');
    writeFileSync(file, JSON.stringify({ keys: [key.publicJwk] }));
    const authenticator = createAuthenticator(readAuthConfig({ AUTH_JWKS_FILE: file, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }));
    expect((await authenticator.authenticate(bearer(await sign(key, goodClaims())), URL_)).subject).toBe('auth-test-subject');
    const other = await createKey('file-1', 'ES256');
    await expect(authenticator.authenticate(bearer(await sign(other, goodClaims())), URL_)).rejects.toThrow(new AuthenticationError("The token's signature is not valid.", 'bad_signature'));
  });

  it('stops start-up when the file is not a JWKS', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'jwks-')), 'jwks.json');
    writeFileSync(file, '{"kty":"RSA"}');
    expect(() => createAuthenticator(readAuthConfig({ AUTH_JWKS_FILE: file }))).toThrow(`AUTH_JWKS_FILE is not a JSON Web Key Set (no "keys" array): ${file}`);
    expect(() => createAuthenticator(readAuthConfig({ AUTH_JWKS_FILE: `${file}.missing` }))).toThrow('AUTH_JWKS_FILE could not be read as JSON');
  });
});

describe('an identity provider that cannot be reached', () => {
  it('is the gateway\'s failure, not the caller\'s: not an AuthenticationError', async () => {
    const authenticator = createAuthenticator(readAuthConfig({ AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }));
    const key = await createKey('k', 'RS256');
    const error = await authenticator.authenticate(bearer(await sign(key, goodClaims())), URL_).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AuthenticationError);
    expect((error as Error).name).toBe('SigningKeysUnavailableError');
  });
});
