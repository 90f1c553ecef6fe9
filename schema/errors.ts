/**
 * The registry of `extensions.code` values: part of the public contract, like the schema beside it.
 * Every error the gateway or a subgraph returns carries one of these codes. The README's table is
 * checked against this list by a test.
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = {
  UNAUTHENTICATED: 'No valid token was presented.',
  FORBIDDEN: 'The token lacks the scope this field or operation needs.',
  BAD_USER_INPUT: 'An argument or input value is invalid; the message names it.',
  NOT_FOUND: 'The record asked for does not exist.',
  CONFLICT: 'The write would collide with existing data (e.g. an email that belongs to another customer).',
  VERSION_CONFLICT: 'A source record changed since expectedVersion was read; nothing was written.',
  WRITE_IN_PROGRESS: 'Other writes to the same record did not finish in time for this one to start; nothing was written: read the record again and retry.',
  WRITE_PENDING: "A create was accepted and is queued: the CRM's answer was lost, so the new customer's id is not known yet. extensions.writeId names the write for Query.writeStatus; retry with the same idempotency key for the final outcome, not without one.",
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used before with a different input.',
  IDEMPOTENCY_KEY_IN_USE: 'A request with the same idempotency key is still running.',
  UPSTREAM_UNAVAILABLE: 'An upstream system or subgraph could not be reached, timed out, or is rate limiting.',
  UPSTREAM_ERROR: 'An upstream system answered with an error or an unexpected response.',
  GRAPHQL_PARSE_FAILED: 'The query is not valid GraphQL syntax.',
  GRAPHQL_VALIDATION_FAILED: 'The query does not match the schema.',
  QUERY_TOO_COMPLEX: 'The operation is over one of the limits (tokens, depth, aliases, root fields, directives, cost); extensions.measure names it, extensions.limit gives it; nothing was fetched.',
  RATE_LIMITED: "The caller's cost budget for this minute is spent (HTTP 429); retry after the Retry-After header's seconds.",
  OVERLOADED: "The gateway is running all the operations it can and could not start this one within its max wait (HTTP 503); nothing was run: retry after the Retry-After header's seconds.",
  RESPONSE_TOO_LARGE: 'The response would be larger than the limit; ask for fewer records or fields.',
  INTERNAL_SERVER_ERROR: 'An unexpected failure inside the gateway; details are in its logs, not in the response.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a registered code. `extensions` must never carry secrets or personal data. */
export function codedError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}
