/**
 * GraphQL over HTTP media types (https://graphql.github.io/graphql-over-http/draft/): which response
 * type the client accepts, and whether a request body's type is one the gateway reads.
 */
import contentType from 'content-type';
import Negotiator from 'negotiator';
import { LRUCache } from 'lru-cache';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
export const APPLICATION_JSON = 'application/json';
export type ResponseMediaType = typeof GRAPHQL_RESPONSE_JSON | typeof APPLICATION_JSON;

/** Accept headers whose outcome is remembered, and the longest remembered. */
const negotiated = new LRUCache<string, ResponseMediaType | 'none'>({ max: 256 });
const MAX_REMEMBERED_ACCEPT = 512;

/**
 * The response type for this Accept header: application/json when it is missing or `*​/*` (the spec's
 * legacy default), application/graphql-response+json when preferred; null when neither is acceptable.
 */
export function responseMediaType(accept: string | undefined): ResponseMediaType | null {
  if (!accept) return APPLICATION_JSON;
  // A client sends the same few headers again and again: each is negotiated once (null kept as 'none').
  const known = negotiated.get(accept);
  if (known !== undefined) return known === 'none' ? null : known;
  const chosen = (new Negotiator({ headers: { accept } }).mediaType([APPLICATION_JSON, GRAPHQL_RESPONSE_JSON]) as ResponseMediaType | undefined) ?? null;
  if (accept.length <= MAX_REMEMBERED_ACCEPT) negotiated.set(accept, chosen ?? 'none');
  return chosen;
}

/** Whether a POST body of this Content-Type is read: JSON, in UTF-8 (the default when no charset is given). */
export function isJsonBody(header: string | undefined): boolean {
  if (!header) return false;
  try {
    const parsed = contentType.parse(header);
    const charset = parsed.parameters.charset?.toLowerCase();
    return parsed.type === APPLICATION_JSON && (charset === undefined || charset === 'utf-8' || charset === 'utf8');
  } catch {
    return false;
  }
}
