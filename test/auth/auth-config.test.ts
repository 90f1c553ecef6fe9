import { describe, expect, it } from 'vitest';
import { DEV_AUTH_HS256_SECRET, readAuthConfig } from '../../gateway/auth/auth-config.ts';
import { readGatewayConfig } from '../../gateway/config.ts';
import { DEV_INTERNAL_TOKEN_SECRET, readListenConfig } from '../../subgraphs/shared/config.ts';

const JWKS = 'https://id.example.test/.well-known/jwks.json';
const OWN_SECRET = 'a-production-secret-of-at-least-32-bytes';
const PRODUCTION = { NODE_ENV: 'production', INTERNAL_TOKEN_SECRET: OWN_SECRET, AUTH_ISSUER: 'https://id.example.test/', AUTH_AUDIENCE: 'crm-graph' };

describe('readAuthConfig', () => {
  it('defaults to the development secret, no JWKS, no issuer or audience, a 30 s JWKS cooldown', () => {
    expect(readAuthConfig({})).toEqual({ hs256Secret: DEV_AUTH_HS256_SECRET, jwksUrl: null, jwksFile: null, jwksCooldownMs: 30_000, issuer: null, audience: null });
  });

  it('drops the development secret when a JWKS is configured, so HS256 is refused', () => {
    expect(readAuthConfig({ AUTH_JWKS_URL: JWKS }).hs256Secret).toBeNull();
    expect(readAuthConfig({ AUTH_JWKS_FILE: '/etc/jwks.json' }).hs256Secret).toBeNull();
    expect(readAuthConfig({ AUTH_JWKS_URL: JWKS, AUTH_HS256_SECRET: OWN_SECRET }).hs256Secret).toBe(OWN_SECRET);
  });

  it('refuses bad settings, naming them', () => {
    expect(() => readAuthConfig({ AUTH_JWKS_URL: JWKS, AUTH_JWKS_FILE: '/etc/jwks.json' })).toThrow('Set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both.');
    expect(() => readAuthConfig({ AUTH_JWKS_URL: 'nope' })).toThrow('AUTH_JWKS_URL must be a URL: nope');
    expect(() => readAuthConfig({ AUTH_HS256_SECRET: 'short' })).toThrow('AUTH_HS256_SECRET must be at least 32 bytes long.');
    expect(() => readAuthConfig({ AUTH_JWKS_COOLDOWN_MS: '-1' })).toThrow('AUTH_JWKS_COOLDOWN_MS must be an integer from 0 to 3600000: -1');
  });
});

describe('production mode (NODE_ENV=production)', () => {
  it('refuses the development secret, whether defaulted or given', () => {
    const message = 'Production mode (NODE_ENV=production) refuses the development token secret';
    expect(() => readAuthConfig({ ...PRODUCTION })).toThrow(message);
    expect(() => readAuthConfig({ ...PRODUCTION, AUTH_HS256_SECRET: DEV_AUTH_HS256_SECRET })).toThrow(message);
  });

  it('requires an issuer and an audience', () => {
    const message = 'Production mode (NODE_ENV=production) requires AUTH_ISSUER and AUTH_AUDIENCE';
    expect(() => readAuthConfig({ ...PRODUCTION, AUTH_JWKS_URL: JWKS, AUTH_ISSUER: '' })).toThrow(message);
    expect(() => readAuthConfig({ ...PRODUCTION, AUTH_JWKS_URL: JWKS, AUTH_AUDIENCE: undefined })).toThrow(message);
  });

  it('starts with a JWKS or a secret of its own, an issuer and an audience', () => {
    expect(readAuthConfig({ ...PRODUCTION, AUTH_JWKS_URL: JWKS })).toMatchObject({ hs256Secret: null, jwksUrl: JWKS, issuer: 'https://id.example.test/', audience: 'crm-graph' });
    expect(readAuthConfig({ ...PRODUCTION, AUTH_HS256_SECRET: OWN_SECRET }).hs256Secret).toBe(OWN_SECRET);
  });

  it('refuses the development internal-token secret, in the gateway and in every subgraph', () => {
    const message = 'INTERNAL_TOKEN_SECRET must be set in production mode (NODE_ENV=production)';
    const env = { ...PRODUCTION, AUTH_JWKS_URL: JWKS, INTERNAL_TOKEN_SECRET: undefined };
    expect(() => readGatewayConfig(env, { supergraphPath: 'x' })).toThrow(message);
    expect(() => readListenConfig(env, 'CRM', 4001)).toThrow(message);
    expect(() => readListenConfig({ ...env, INTERNAL_TOKEN_SECRET: DEV_INTERNAL_TOKEN_SECRET }, 'CRM', 4001)).toThrow(message);
    expect(readListenConfig({ ...env, INTERNAL_TOKEN_SECRET: OWN_SECRET }, 'CRM', 4001).internalAuth).toEqual({ secret: OWN_SECRET });
  });
});
