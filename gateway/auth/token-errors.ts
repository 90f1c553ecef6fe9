/**
 * Why a token was refused, in general terms: the messages name the failed check, never the token or
 * any of its claims' values; the reason is the check's stable name (for metrics).
 */
import { errors } from 'jose';
import type { AuthFailureReason } from './principal.ts';

type Refusal = [message: string, reason: AuthFailureReason];

const BY_CLAIM: Record<string, Refusal> = {
  exp: ['The token has no valid expiry time (exp).', 'invalid_claims'],
  nbf: ['The token is not valid yet.', 'not_yet_valid'],
  iss: ['The token is from another issuer.', 'wrong_issuer'],
  aud: ['The token is for another audience.', 'wrong_audience'],
};

const BY_CODE: Record<string, Refusal> = {
  ERR_JWT_EXPIRED: ['The token has expired.', 'expired'],
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: ["The token's signature is not valid.", 'bad_signature'],
  ERR_JOSE_ALG_NOT_ALLOWED: ["The token's signing algorithm is not accepted.", 'algorithm'],
  ERR_JOSE_NOT_SUPPORTED: ["The token's signing algorithm is not accepted.", 'algorithm'],
  ERR_JWKS_NO_MATCHING_KEY: ["The token's signing key is not known.", 'unknown_key'],
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: ['The token does not say which signing key it was signed with (kid).', 'unknown_key'],
  ERR_JWS_INVALID: ['The token is malformed.', 'malformed'],
  ERR_JWT_INVALID: ['The token is malformed.', 'malformed'],
};

export function describeTokenError(err: errors.JOSEError): Refusal {
  if (err instanceof errors.JWTClaimValidationFailed) return BY_CLAIM[err.claim] ?? ["The token's claims are not valid.", 'invalid_claims'];
  return BY_CODE[err.code] ?? ['The token is not valid.', 'invalid'];
}
