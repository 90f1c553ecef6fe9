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
}
