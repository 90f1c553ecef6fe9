/**
 * A subgraph's side of request logging: its line per request (request id and trace from the gateway's
 * headers, operation, duration, upstream calls, outcome), and the error formatter that notes each
 * error's code and logs every error it masks, once, with its cause and stack, under the request id.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger.ts';
import { currentScope, type RequestScope } from './request-scope.ts';
import { logRequestLine } from './request-line.ts';
import { errorForLog } from './sanitise-error.ts';

/** Logs one line when the response has been sent; any 4xx is a refusal (the subgraph's own checks). */
export function logSubgraphRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, scope: RequestScope): void {
  logRequestLine(logger, req, res, scope, (sent) => (sent.statusCode >= 400 && sent.statusCode < 500 ? {} : undefined));
}

/** The operation name the gateway sent (e.g. `Customer__crm__0`), when it is a GraphQL name. */
export function noteOperationName(body: unknown): void {
  const name = (body as { operationName?: unknown } | undefined)?.operationName;
  const scope = currentScope();
  if (scope && typeof name === 'string' && /^[_A-Za-z][_0-9A-Za-z]{0,127}$/.test(name)) scope.operationName = name;
}

/** Wraps a subgraph's error formatter: notes the code, and logs what it masked as INTERNAL_SERVER_ERROR. */
export function loggingFormatter(logger: Logger, format: (formatted: GraphQLFormattedError) => GraphQLFormattedError) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const shaped = format(formatted);
    const code = String(shaped.extensions?.code);
    const scope = currentScope();
    scope?.errorCodes.push(code);
    if (code === 'INTERNAL_SERVER_ERROR') logger.error({ requestId: scope?.requestId, path: formatted.path, err: errorForLog(error) }, 'masked an internal error');
    return shaped;
  };
}
