/**
 * The gateway's line per request, written when the response has been sent: the request id and trace,
 * the operation, its duration, the subgraph calls it made, and how it ended. Never a header, variable
 * or response value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';
import { levelForPath, type RequestScope } from '../subgraphs/shared/logging/request-scope.ts';
import { refusalOf } from './http/respond.ts';

export function logRequest(logger: Logger, req: IncomingMessage, res: ServerResponse, scope: RequestScope): void {
  const started = performance.now();
  res.on('finish', () => {
    const refusal = refusalOf(res);
    const outcome = res.statusCode >= 500 ? 'failed' : refusal ? 'refused' : scope.errorCodes.length ? 'errors' : 'ok';
    const path = req.url?.split('?')[0];
    logger[levelForPath(path)]({
      requestId: scope.requestId, traceId: scope.traceId, spanId: scope.spanId, ...(scope.parentSpanId && { parentSpanId: scope.parentSpanId }),
      method: req.method, path, operationName: scope.operationName, status: res.statusCode,
      ms: Math.round(performance.now() - started), calls: scope.calls, outcome,
      ...(scope.errorCodes.length > 0 && { errorCodes: [...new Set(scope.errorCodes)] }), ...refusal,
    }, 'request');
  });
}

/**
 * Every error of a response body carries the request id: the authorizer adds its errors after Apollo
 * formatted its own (format-error.ts stamps those); their codes are noted for the line too.
 */
export function stampRequestId<B extends { errors?: unknown }>(body: B, scope: RequestScope): B {
  if (!Array.isArray(body.errors)) return body;
  const errors = body.errors.map((error: { extensions?: Record<string, unknown> }) => {
    if (error.extensions?.requestId === scope.requestId) return error;
    scope.errorCodes.push(String(error.extensions?.code));
    return { ...error, extensions: { ...error.extensions, requestId: scope.requestId } };
  });
  return { ...body, errors };
}
