/**
 * Formats every error a subgraph returns: registered codes pass through with their message; anything
 * else (a bug, an unexpected throw) becomes INTERNAL_SERVER_ERROR with a generic message. Never a stack trace.
 */
import type { GraphQLFormattedError } from 'graphql';
import { ERROR_CODES } from '../../schema/errors.ts';

const APOLLO_CODES_KEPT = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT', 'PERSISTED_QUERY_NOT_FOUND']);

export function formatSubgraphError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && (code in ERROR_CODES || APOLLO_CODES_KEPT.has(code))) {
    const { stacktrace: _dropped, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return { message: 'Internal error.', path: formatted.path, locations: formatted.locations, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
