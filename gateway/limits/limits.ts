/**
 * The front door's limits on one operation and one caller, with their secure defaults (the README's
 * "Limits" table lists each with its env variable). Every check runs after parsing and before any
 * subgraph is called.
 */
import { DEFAULT_MAX_QUERY_COST } from './cost/index.ts';

export interface OperationLimits {
  /** Lexical tokens in the query text; parsing stops past it (graphql-js `maxTokens`). */
  maxTokens: number;
  /** Nesting of field selections, fragments flattened; introspection's `__schema` is not counted. */
  maxDepth: number;
  /** Aliased fields in the operation, fragments included. */
  maxAliases: number;
  /** Fields selected at the root of the operation, fragments included. */
  maxRootFields: number;
  /** Directives used in the operation, fragments included. */
  maxDirectives: number;
  /** Validation errors reported for one document (the rest are not computed). */
  maxValidationErrors: number;
  /** Largest `first`/`last` on any list; the smallest is 1. */
  maxPageSize: number;
  /** Largest estimated cost of one operation (see gateway/limits/cost). */
  maxCost: number;
  /** Largest JSON response body; a larger one is replaced by a RESPONSE_TOO_LARGE error. */
  maxResponseBytes: number;
}

/** Cost points one caller may spend per minute: a default, and overrides per client id or scope. */
export interface CostBudgets {
  perMinute: number;
  byClient: ReadonlyMap<string, number>;
  byScope: ReadonlyMap<string, number>;
}

export const DEFAULT_LIMITS: OperationLimits = {
  maxTokens: 2_000,
  maxDepth: 10,
  maxAliases: 15,
  maxRootFields: 10,
  maxDirectives: 20,
  maxValidationErrors: 10,
  maxPageSize: 100,
  maxCost: DEFAULT_MAX_QUERY_COST,
  maxResponseBytes: 4_000_000,
};

/** Enough for about 1,400 unified-customer queries (70 points) or 16 full pages of 100 customers (6,010) a minute. */
export const DEFAULT_COST_BUDGET_PER_MINUTE = 100_000;
