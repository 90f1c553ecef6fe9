/**
 * Field-level authorization before planning. The scope rules are read once from the supergraph
 * (`@requiresScopes` beside the fields in the subgraph SDLs). For each request:
 *
 * 1. `authorize` takes the operation the front door parsed and validated (gateway/operation/; or
 *    parses and validates the query itself when called alone), removes every field the caller's
 *    scopes do not satisfy, and every field whose arguments filter or search on such a field
 *    (filter-access.ts), from the document (rewrite.ts) and returns the rewritten query to execute. The
 *    gateway plans and caches by query text, so a caller with fewer scopes never reuses a plan with
 *    more fields, and no subgraph is asked for a removed field.
 * 2. `finish` puts each removed field back into the response as null with a FORBIDDEN error at its
 *    path, reports the audited (pii:read, finance:read) fields served and whose they are, and strips
 *    the helper fields the rewrite added (finish-response.ts).
 *
 * A query that does not parse or validate (against the same API schema the gateway builds), or
 * whose variables do not coerce, passes through unchanged: the gateway refuses it with its own
 * error, and nothing is executed.
 */
import { getOperationAST, getVariableValues, parse, print, validate, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { Principal } from '../auth/principal.ts';
import { readScopeRules, type ScopeRules } from './scope-rules.ts';
import { apiSchemaOf } from './planning-supergraph.ts';
import { fieldAccess, type FieldAccess } from './field-access.ts';
import { checkDisclosures, forbiddenFilters } from './filter-access.ts';
import { rewriteDocument } from './rewrite.ts';
import { helperFieldsFor } from './helper-fields.ts';
import { compileResponsePlan } from './response-plan.ts';
import { finishResponse } from './finish-response.ts';

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
  /** `parsed` spares parsing and validating the query again when the front door has done so. */
  authorize(request: GraphQLRequestParts, principal: Principal, parsed?: ParsedOperation): AuthorizedRequest;
}

const unchanged = (request: GraphQLRequestParts): AuthorizedRequest =>
  ({ request, finish: (body) => ({ body, sensitive: { fields: [], customerIds: [] } }) });

/** An authorizer enforcing the `@requiresScopes` rules of this supergraph. */
export function createAuthorizer(supergraphSdl: string): Authorizer {
  return authorizerFor(apiSchemaOf(supergraphSdl), readScopeRules(supergraphSdl));
}

/** An authorizer enforcing `rules` on queries against `schema` (the API schema). */
export function authorizerFor(schema: GraphQLSchema, rules: ScopeRules): Authorizer {
  checkDisclosures(schema, rules);
  return { authorize: (request, principal, parsed) => authorize(schema, rules, request, principal, parsed ?? parseOperation(schema, request)) };
}

function authorize(schema: GraphQLSchema, rules: ScopeRules, request: GraphQLRequestParts, principal: Principal, parsed: ParsedOperation | undefined): AuthorizedRequest {
  // No single operation to run, or variables that do not coerce: the gateway refuses the request
  // as it is (with the same checks), so nothing executes.
  if (!parsed) return unchanged(request);
  const { document, operation, variables } = parsed;
  const access = operationAccess(schema, rules, document, operation, variables, principal.scopes);
  const helpers = helperFieldsFor(document);
  const rewritten = rewriteDocument(document, access, helpers);
  const plan = compileResponsePlan(document, operation, access, variables);
  if (!rewritten.removed && plan.entries.length === 0) return unchanged(request);
  return {
    request: { ...request, query: print(rewritten.document) },
    finish: (body) => finishResponse(body, plan, schema, helpers),
  };
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

/** The operation to run when the query is valid against the API schema and its variables coerce; anything else is Apollo's to refuse. */
function parseOperation(schema: GraphQLSchema, request: GraphQLRequestParts): ParsedOperation | undefined {
  if (typeof request.query !== 'string') return undefined;
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch {
    return undefined;
  }
  if (validate(schema, document).length > 0) return undefined;
  const operation = getOperationAST(document, request.operationName ?? undefined);
  const variables = operation && getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  return operation && variables?.coerced ? { document, operation, variables: variables.coerced } : undefined;
}
