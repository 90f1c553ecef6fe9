/**
 * Field-level authorization before planning. The scope rules are read once from the supergraph
 * (`@requiresScopes` beside the fields in the subgraph SDLs). For each request:
 *
 * 1. `authorize` takes the operation the front door parsed, validated and checked (gateway/operation/),
 *    removes every field the caller's
 *    scopes do not satisfy, and every field whose arguments filter or search on such a field
 *    (filter-access.ts), from the document (rewrite.ts) and returns the rewritten query to execute. The
 *    gateway plans and caches by query text, so a caller with fewer scopes never reuses a plan with
 *    more fields, and no subgraph is asked for a removed field.
 * 2. `finish` puts each removed field back into the response as null with a FORBIDDEN error at its
 *    path, reports the audited (pii:read, finance:read) fields served and whose they are, and strips
 *    the helper fields the rewrite added (finish-response.ts).
 *
 * Both steps' work (the rewritten text, the response plan) is done once per document, scope set and
 * deciding variables, and remembered (authorization-cache.ts): the same request again is neither
 * rewritten nor printed, and Apollo gets the same text, so its own document and plan caches hit.
 */
import { print, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../auth/principal.ts';
import type { ScopeRules } from './scope-rules.ts';
import { fieldAccess, type FieldAccess } from './field-access.ts';
import { checkDisclosures, forbiddenFilters } from './filter-access.ts';
import { rewriteDocument } from './rewrite.ts';
import { helperFieldsFor } from './helper-fields.ts';
import { compileResponsePlan } from './response-plan.ts';
import { finishResponse } from './finish-response.ts';
import { authorizationCache } from './authorization-cache.ts';
import type { HelperFields } from './helper-fields.ts';
import type { ResponsePlan } from './response-plan.ts';

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

/** An operation already parsed, validated and selected, with coerced variables (gateway/operation/). */
export interface ParsedOperation {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}

export interface Authorizer {
  /** `parsed` is `request`'s operation as the front door parsed, validated and coerced it. */
  authorize(request: GraphQLRequestParts, principal: Principal, parsed: ParsedOperation): AuthorizedRequest;
}

const unchanged = (request: GraphQLRequestParts): AuthorizedRequest =>
  ({ request, finish: (body) => ({ body, sensitive: { fields: [], customerIds: [] } }) });

/** What `authorize` works out for one operation and scope set: the query to execute (null: the client's, unchanged) and the response pass. */
interface Authorization {
  query: string | null;
  plan: ResponsePlan;
  helpers: HelperFields;
}

/**
 * An authorizer enforcing `rules` on queries against `schema` (the API schema); `onLookup` is told of
 * each request whether its work was remembered.
 */
export function authorizerFor(schema: GraphQLSchema, rules: ScopeRules, onLookup?: (hit: boolean) => void): Authorizer {
  checkDisclosures(schema, rules);
  const cache = authorizationCache<Authorization>(schema, onLookup);
  return {
    authorize: (request, principal, parsed) => {
      const work = cache.get(request.query ?? '', request.operationName, parsed.document, parsed.variables, principal.scopes,
        () => authorization(schema, rules, parsed, principal.scopes));
      if (work.query === null) return unchanged(request);
      return {
        request: { ...request, query: work.query },
        finish: (body) => finishResponse(body, work.plan, schema, work.helpers),
      };
    },
  };
}

function authorization(schema: GraphQLSchema, rules: ScopeRules, parsed: ParsedOperation, scopes: ReadonlySet<string>): Authorization {
  const { document, operation, variables } = parsed;
  const access = operationAccess(schema, rules, document, operation, variables, scopes);
  const helpers = helperFieldsFor(document);
  const rewritten = rewriteDocument(document, access, helpers);
  const plan = compileResponsePlan(document, operation, access, variables);
  const query = !rewritten.removed && plan.entries.length === 0 ? null : print(rewritten.document);
  return { query, plan, helpers };
}

/**
 * What the caller may select in this operation (a valid document, its coerced variables): the fields'
 * rules, and the fields refused because their arguments filter on what the caller may not read.
 */
export function operationAccess(
  schema: GraphQLSchema, rules: ScopeRules, document: DocumentNode, operation: OperationDefinitionNode,
  variables: Record<string, unknown>, scopes: ReadonlySet<string>,
): FieldAccess {
  return fieldAccess(schema, rules, scopes, forbiddenFilters(schema, rules, document, operation, variables, scopes));
}
