/**
 * Establishes the caller from a client token, verified with jose: the algorithm allowlist and keys of
 * verification-keys.ts, `exp` required, `nbf` checked, `iss` and `aud` checked when configured, 30 s of
 * clock tolerance. Scopes come from `scope` (space-separated, RFC 8693) or `scp` (an array, or a string).
 *
 * A token that verified is remembered (exactly that token, until it expires): the same token again has
 * its key looked up as before (so a key the JWKS retired refuses it), and when that is the very key that
 * verified it, the signature and claims are not checked again. Verifying (WebCrypto, a thread-pool
 * round trip) was the largest single item of a cached view's CPU.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { LRUCache } from 'lru-cache';
import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
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
/** Verified tokens remembered at most (each holds its principal and the key that verified it). */
const MAX_VERIFIED_TOKENS = 10_000;

interface Verified {
  principal: Principal;
  /** The key object the key lookup gave (jose and verification-keys.ts hand out the same object per key). */
  key: unknown;
  /** When jose would refuse it as expired, ms since the epoch. */
  expiresAt: number;
}

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
  const verified = new LRUCache<string, Verified>({ max: MAX_VERIFIED_TOKENS });
  return {
    async authenticate(headers, url) {
      const token = bearerToken(headers, url);
      try {
        const known = verified.get(token);
        if (known && Date.now() < known.expiresAt && await keyOf(keys.key, token) === known.key) return known.principal;
        let key: unknown;
        const { payload } = await jwtVerify(token, async (header, input) => (key = await keys.key(header, input)), options);
        const principal = principalFrom(payload);
        // jose refuses once floor(now in s) >= exp + tolerance; exp is a number (required claim).
        verified.set(token, { principal, key, expiresAt: ((payload.exp as number) + CLOCK_TOLERANCE_S) * 1000 });
        return principal;
      } catch (err) {
        if (err instanceof errors.JOSEError) throw new AuthenticationError(...describeTokenError(err));
        throw err;
      }
    },
  };
}

/** The key the lookup gives for a token that verified before (its header parsed already once). */
function keyOf(lookup: JWTVerifyGetKey, token: string): Promise<unknown> {
  const [protectedHeader, payload, signature] = token.split('.');
  return Promise.resolve(lookup(decodeProtectedHeader(token) as Parameters<JWTVerifyGetKey>[0], { protected: protectedHeader, payload, signature }));
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
