/**
 * How the gateway verifies client tokens: which keys, whose tokens (issuer), for whom (audience).
 * Read once from env by readGatewayConfig; see the README's configuration table.
 */
import { MIN_SECRET_BYTES } from '../../subgraphs/shared/config.ts';
import { envInteger } from '../../subgraphs/shared/env-integer.ts';

export interface AuthConfig {
  /** HS256 shared secret; null when only asymmetric keys (a JWKS) are configured, so HS256 is refused. */
  hs256Secret: string | null;
  /** JWKS endpoint of the identity provider (RS256, ES256, EdDSA keys). */
  jwksUrl: string | null;
  /** A JWKS on disk, instead of a URL. */
  jwksFile: string | null;
  /** After fetching the JWKS, how long an unknown `kid` waits before the JWKS is fetched again. */
  jwksCooldownMs: number;
  /** Required `iss`, when set. */
  issuer: string | null;
  /** Required `aud`, when set. */
  audience: string | null;
}

/**
 * The development default of AUTH_HS256_SECRET, used only when no JWKS is configured: `npm run token`
 * signs with it. Known to everyone, hence refused in production mode.
 */
export const DEV_AUTH_HS256_SECRET = 'dev-only-gateway-secret-do-not-use-in-production';

/**
 * `AUTH_HS256_SECRET`, `AUTH_JWKS_URL`, `AUTH_JWKS_FILE`, `AUTH_JWKS_COOLDOWN_MS`, `AUTH_ISSUER`, `AUTH_AUDIENCE`.
 * In production mode (`NODE_ENV=production`) the development secret is refused, and a JWKS or a secret
 * of one's own is required, and so are the issuer and audience.
 */
export function readAuthConfig(env: NodeJS.ProcessEnv): AuthConfig {
  const production = env.NODE_ENV === 'production';
  const jwksUrl = env.AUTH_JWKS_URL || null;
  const jwksFile = env.AUTH_JWKS_FILE || null;
  if (jwksUrl && jwksFile) throw new Error('Set AUTH_JWKS_URL or AUTH_JWKS_FILE, not both.');
  if (jwksUrl && !URL.canParse(jwksUrl)) throw new Error(`AUTH_JWKS_URL must be a URL: ${jwksUrl}`);
  // With a JWKS configured, HS256 is accepted only with a secret given explicitly: the public development
  // secret must never sit beside real keys.
  const hs256Secret = env.AUTH_HS256_SECRET || (jwksUrl || jwksFile ? null : DEV_AUTH_HS256_SECRET);
  if (hs256Secret !== null && Buffer.byteLength(hs256Secret) < MIN_SECRET_BYTES) {
    throw new Error(`AUTH_HS256_SECRET must be at least ${MIN_SECRET_BYTES} bytes long.`);
  }
  const config: AuthConfig = {
    hs256Secret,
    jwksUrl,
    jwksFile,
    jwksCooldownMs: envInteger(env, 'AUTH_JWKS_COOLDOWN_MS', 30_000, { min: 0, max: 3_600_000 }),
    issuer: env.AUTH_ISSUER || null,
    audience: env.AUTH_AUDIENCE || null,
  };
  if (production) refuseDevelopmentSettings(config);
  return config;
}

function refuseDevelopmentSettings(config: AuthConfig): void {
  if (config.hs256Secret === DEV_AUTH_HS256_SECRET) {
    throw new Error('Production mode (NODE_ENV=production) refuses the development token secret: set AUTH_JWKS_URL or AUTH_JWKS_FILE, or an AUTH_HS256_SECRET of your own.');
  }
  if (!config.issuer || !config.audience) {
    throw new Error('Production mode (NODE_ENV=production) requires AUTH_ISSUER and AUTH_AUDIENCE, so that only tokens issued for this gateway are accepted.');
  }
}
