/** Who is calling, as established from a verified token. Never holds the token itself. */
export interface Principal {
  /** The token's `sub`. */
  subject: string;
  /** The client the token was issued to (`client_id`, else `azp`), if any. */
  clientId: string | null;
  /** From `scope` (space-separated) or `scp` (array). */
  scopes: ReadonlySet<string>;
}

/**
 * A request the gateway refuses with HTTP 401 and UNAUTHENTICATED. The message says why in general
 * terms (expired, bad signature, wrong audience) and never echoes the token.
 */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';

  /** `reason`: a stable name for the failed check, for metrics. */
  constructor(message: string, readonly reason: AuthFailureReason = 'invalid') {
    super(message);
  }
}

/** Why authentication failed, as a closed set (the metric label `reason` of gateway_auth_failures_total). */
export type AuthFailureReason =
  | 'missing' | 'wrong_scheme' | 'malformed' | 'token_in_url' | 'expired' | 'not_yet_valid' | 'wrong_issuer' | 'wrong_audience'
  | 'bad_signature' | 'algorithm' | 'unknown_key' | 'invalid_claims' | 'no_subject' | 'invalid';
