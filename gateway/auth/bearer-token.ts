/**
 * Finds the caller's token: only in `Authorization: Bearer` (RFC 6750, section 2.1). A token in the URL
 * (RFC 6750, section 2.3) ends up in access logs, proxies and browser history, so a request carrying one
 * is refused, even when a header is present too.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { AuthenticationError } from './principal.ts';

/** Query parameters that carry tokens in other APIs; compared without letter case. */
const TOKEN_PARAMETERS = new Set(['access_token', 'token', 'jwt', 'id_token', 'bearer', 'auth', 'authorization', 'api_key', 'apikey']);

/** RFC 6750's b64token after the scheme, which is case-insensitive (RFC 9110, section 11.1). */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

export function bearerToken(headers: IncomingHttpHeaders, url: URL): string {
  for (const name of url.searchParams.keys()) {
    if (TOKEN_PARAMETERS.has(name.toLowerCase())) {
      throw new AuthenticationError('A token in the URL is refused: send it in the Authorization header as a bearer token.', 'token_in_url');
    }
  }
  const header = headers.authorization?.trim();
  if (!header) throw new AuthenticationError('No bearer token was presented.', 'missing');
  const token = BEARER.exec(header)?.[1];
  if (token) return token;
  if (/^Bearer\b/i.test(header)) throw new AuthenticationError('The bearer token is malformed.', 'malformed');
  throw new AuthenticationError('No bearer token was presented: only the Bearer authorization scheme is accepted.', 'wrong_scheme');
}
