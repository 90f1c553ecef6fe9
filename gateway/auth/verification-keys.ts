/**
 * The keys client tokens are verified with, and the algorithm allowlist that goes with them: HS256 only
 * when a shared secret is configured, RS256/ES256/EdDSA only from a JWKS. The allowlist is checked before
 * any key is chosen, so `alg: none` never verifies, and neither does an HS256 token "signed" with an RSA
 * public key when only asymmetric keys are configured (algorithm confusion).
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from './auth-config.ts';

const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'];
/** How long one JWKS fetch may take. */
const JWKS_TIMEOUT_MS = 5000;

export interface VerificationKeys {
  algorithms: string[];
  key: JWTVerifyGetKey;
}

/**
 * The identity provider's JWKS could not be fetched: the token may well be good, so this is not the
 * caller's fault (HTTP 500, details in the log), unlike an unknown `kid`.
 */
export class SigningKeysUnavailableError extends Error {
  override readonly name = 'SigningKeysUnavailableError';
}

/** Throws at start-up when AUTH_JWKS_FILE cannot be read as a JWKS. */
export function createVerificationKeys(config: AuthConfig): VerificationKeys {
  const secret = config.hs256Secret === null ? null : new TextEncoder().encode(config.hs256Secret);
  const jwks = config.jwksUrl ? remoteKeys(config.jwksUrl, config.jwksCooldownMs) : config.jwksFile ? localKeys(config.jwksFile) : null;
  return {
    algorithms: [...(secret ? ['HS256'] : []), ...(jwks ? ASYMMETRIC_ALGORITHMS : [])],
    key: async (header, token) => {
      if (header.alg === 'HS256' && secret) return secret;
      if (!jwks) throw new errors.JOSEAlgNotAllowed('No key for this algorithm is configured.');
      return jwks(header, token);
    },
  };
}

function remoteKeys(url: string, cooldownMs: number): JWTVerifyGetKey {
  const jwks = createRemoteJWKSet(new URL(url), { cooldownDuration: cooldownMs, timeoutDuration: JWKS_TIMEOUT_MS });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new SigningKeysUnavailableError('The JWKS could not be fetched or read.', { cause: err });
    }
  };
}

function localKeys(file: string): JWTVerifyGetKey {
  let jwks: JSONWebKeySet;
  try {
    jwks = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`AUTH_JWKS_FILE could not be read as JSON: ${file}`);
  }
  if (!Array.isArray(jwks?.keys)) throw new Error(`AUTH_JWKS_FILE is not a JSON Web Key Set (no "keys" array): ${file}`);
  return createLocalJWKSet(jwks);
}
