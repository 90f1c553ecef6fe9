/** The refusal of an operation whose estimated cost is over the limit, and the default limit. */
import type { GraphQLError } from 'graphql';
import { limitError } from '../limit-error.ts';

/**
 * The default of MAX_QUERY_COST. It lets through a page of 100 customers with every field of the
 * README's query (6,010) and refuses the alias and nesting bombs of issue 10 (20,000 and more);
 * the figures are in README.md beside this file.
 */
export const DEFAULT_MAX_QUERY_COST = 10_000;

/** QUERY_TOO_COMPLEX (measure `cost`) with the estimate and the limit in `extensions`, so a client can see by how much to shrink it. */
export function costError(cost: number, limit: number): GraphQLError {
  return limitError('cost', limit, `The operation's estimated cost ${cost} is over the limit of ${limit}; ask for fewer items or fields.`, { cost });
}
