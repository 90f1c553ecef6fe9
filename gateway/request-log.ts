/** The gateway's part of request logging: every error a client sees carries the request id. */
import type { RequestScope } from '../subgraphs/shared/logging/request-scope.ts';

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
