/**
 * Why a token was refused, in general terms: the messages name the failed check, never the token or
 * any of its claims' values.
 */
import { errors } from 'jose';

const BY_CLAIM: Record<string, string> = {
  exp: 'The token has no valid expiry time (exp).',
  nbf: 'The token is not valid yet.',
  iss: 'The token is from another issuer.',
  aud: 'The token is for another audience.',
};

const BY_CODE: Record<string, string> = {
  ERR_JWT_EXPIRED: 'The token has expired.',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: "The token's signature is not valid.",
  ERR_JOSE_ALG_NOT_ALLOWED: "The token's signing algorithm is not accepted.",
  ERR_JOSE_NOT_SUPPORTED: "The token's signing algorithm is not accepted.",
  ERR_JWKS_NO_MATCHING_KEY: "The token's signing key is not known.",
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'The token does not say which signing key it was signed with (kid).',
  ERR_JWS_INVALID: 'The token is malformed.',
  ERR_JWT_INVALID: 'The token is malformed.',
};

export function describeTokenError(err: errors.JOSEError): string {
  if (err instanceof errors.JWTClaimValidationFailed) return BY_CLAIM[err.claim] ?? "The token's claims are not valid.";
  return BY_CODE[err.code] ?? 'The token is not valid.';
}
