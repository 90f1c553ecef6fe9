/**
 * Establishes the caller from a client token, verified with jose: the algorithm allowlist and keys of
 * verification-keys.ts, `exp` required, `nbf` checked, `iss` and `aud` checked when configured, 30 s of
 * clock tolerance. Scopes come from `scope` (space-separated, RFC 8693) or `scp` (an array, or a string).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { AuthenticationError, type Principal } from './principal.ts';
import type { AuthConfig } from './auth-config.ts';
import { bearerToken } from './bearer-token.ts';
import { describeTokenError } from './token-errors.ts';
import { createVerificationKeys } from './verification-keys.ts';

export interface Authenticator {
  /** The verified principal, or throws AuthenticationError (HTTP 401); other errors are the gateway's (HTTP 500). */
  authenticate(headers: IncomingHttpHeaders, url: URL): Promise<Principal>;
}

const CLOCK_TOLERANCE_S = 30;

/** Reads the JWKS file, if any, at once: a bad one stops start-up. */
export function createAuthenticator(config: AuthConfig): Authenticator {
  const keys = createVerificationKeys(config);
  const options: JWTVerifyOptions = {
    algorithms: keys.algorithms,
    requiredClaims: ['exp'],
    clockTolerance: CLOCK_TOLERANCE_S,
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  return {
    async authenticate(headers, url) {
      const token = bearerToken(headers, url);
      try {
        const { payload } = await jwtVerify(token, keys.key, options);
        return principalFrom(payload);
      } catch (err) {
        if (err instanceof errors.JOSEError) throw new AuthenticationError(...describeTokenError(err));
        throw err;
      }
    },
  };
}

function principalFrom(claims: JWTPayload): Principal {
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new AuthenticationError('The token has no subject (sub).', 'no_subject');
  const clientId = [claims.client_id, claims.azp].find((v): v is string => typeof v === 'string' && v !== '') ?? null;
  return { subject: claims.sub, clientId, scopes: new Set([...words(claims.scope), ...words(claims.scp)]) };
}

/** A space-separated string or an array of strings; anything else grants nothing. */
function words(claim: unknown): string[] {
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((s): s is string => typeof s === 'string' && s !== '');
  return [];
}
