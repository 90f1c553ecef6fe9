/** Writes the front door's own answers: JSON bodies, and GraphQL errors formatted like every other. */
import type { ServerResponse } from 'node:http';
import type { GraphQLError } from 'graphql';
import { formatGatewayError } from '../format-error.ts';
import { APPLICATION_JSON, GRAPHQL_RESPONSE_JSON, type ResponseMediaType } from './media-types.ts';
import type { RefusedOperation } from '../operation/prepare-operation.ts';

export function sendJson(res: ServerResponse, status: number, body: unknown, mediaType: ResponseMediaType = APPLICATION_JSON, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, 'content-type': `${mediaType}; charset=utf-8` }).end(JSON.stringify(body));
}

/** What the front door refused a request with (its first error's code, and the limit hit), for the request's log line. */
const refusals = new WeakMap<ServerResponse, { refused: unknown; measure?: unknown }>();

export const refusalOf = (res: ServerResponse) => refusals.get(res);

/** A GraphQL response without data: the request was refused before execution. */
export function sendErrors(res: ServerResponse, status: number, errors: readonly GraphQLError[], mediaType?: ResponseMediaType, headers?: Record<string, string>): void {
  const formatted = errors.map((e) => formatGatewayError(e.toJSON()));
  refusals.set(res, { refused: formatted[0]?.extensions?.code, ...(formatted[0]?.extensions?.measure !== undefined && { measure: formatted[0].extensions.measure }) });
  sendJson(res, status, { errors: formatted }, mediaType, headers);
}

/**
 * The status of a refused operation. A request error (parse, validation, limits, variables) is 400
 * under application/graphql-response+json and 200 under the legacy application/json, as GraphQL over
 * HTTP says; an operation that cannot be selected is 400 under both; a mutation over GET is 405.
 */
export function refusalStatus(refused: RefusedOperation['refused'], mediaType: ResponseMediaType): { status: number; headers?: Record<string, string> } {
  switch (refused) {
    case 'invalid':
      return { status: mediaType === GRAPHQL_RESPONSE_JSON ? 400 : 200 };
    case 'selection':
      return { status: 400 };
    case 'method':
      return { status: 405, headers: { allow: 'POST' } };
  }
}
