/**
 * Field-level authorization before planning. PLACEHOLDER until the authorization work lands: lets
 * every operation through unchanged.
 */
import type { Principal } from '../auth/principal.ts';

/** The GraphQL request as the client sent it (POST body or GET parameters). */
export interface GraphQLRequestParts {
  query?: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  extensions?: Record<string, unknown> | null;
}

/** A JSON GraphQL response body. */
export interface GraphQLResponseBody {
  data?: Record<string, unknown> | null;
  errors?: Record<string, unknown>[];
  extensions?: Record<string, unknown>;
}

/** Personal or financial data a response served: for the audit log (ids and field names, never values). */
export interface SensitiveAccess {
  /** Type.field, e.g. Customer.email. */
  fields: string[];
  /** Public customer ids whose sensitive fields were served. */
  customerIds: string[];
}

export interface AuthorizedRequest {
  /** What to execute: the client's request with every field the caller may not see removed. */
  request: GraphQLRequestParts;
  /** Puts the removed fields back as null with a FORBIDDEN error at each path, and strips helper fields. */
  finish(body: GraphQLResponseBody): { body: GraphQLResponseBody; sensitive: SensitiveAccess };
}

export interface Authorizer {
  authorize(request: GraphQLRequestParts, principal: Principal): AuthorizedRequest;
}

export function createAuthorizer(): Authorizer {
  return { authorize: (request) => ({ request, finish: (body) => ({ body, sensitive: { fields: [], customerIds: [] } }) }) };
}
