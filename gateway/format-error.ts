/**
 * The one function that shapes every error the gateway sends. It never throws. Registered codes keep
 * their message; subgraph errors keep their code and serviceName; anything unregistered becomes
 * INTERNAL_SERVER_ERROR with a generic message. Stack traces, upstream response bodies, URLs and
 * field suggestions ("Did you mean …", which leak schema names) are removed. Within a request, the
 * error gains `extensions.requestId` (the id the gateway logs it under) and its code is noted for the
 * request's log line.
 */
import type { GraphQLFormattedError } from 'graphql';
import { ERROR_CODES, type ErrorCode } from '../schema/errors.ts';
import { currentScope } from '../subgraphs/shared/logging/request-scope.ts';

/** Extension keys a client may see; everything else (stacktrace, response, exception) is dropped. */
const KEPT_EXTENSIONS = ['code', 'serviceName', 'argument', 'system', 'currentVersion', 'systems', 'field', 'measure', 'limit', 'cost', 'retryAfter', 'writeId'];

const URL_PATTERN = /\b(?:https?|wss?):\/\/[^\s"')]+/g;
const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function formatGatewayError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const rawCode = formatted.extensions?.code;
  const code = normalizeCode(typeof rawCode === 'string' ? rawCode : undefined);
  const message = code === 'INTERNAL_SERVER_ERROR'
    ? 'Internal error.'
    : formatted.message.replace(URL_PATTERN, '[redacted]').replace(SUGGESTION, '');
  const extensions: Record<string, unknown> = {};
  for (const key of KEPT_EXTENSIONS) if (formatted.extensions?.[key] !== undefined) extensions[key] = formatted.extensions[key];
  extensions.code = code;
  const scope = currentScope();
  if (scope) {
    extensions.requestId = scope.requestId;
    scope.errorCodes.push(code);
  }
  return { message, ...(formatted.locations && { locations: formatted.locations }), ...(formatted.path && { path: formatted.path }), extensions };
}

/** Apollo's and the gateway's own codes mapped onto our registry. */
function normalizeCode(code: string | undefined): ErrorCode {
  if (code && code in ERROR_CODES) return code as ErrorCode;
  switch (code) {
    case 'BAD_REQUEST':
    case 'PERSISTED_QUERY_NOT_FOUND':
    case 'PERSISTED_QUERY_NOT_SUPPORTED':
    case 'OPERATION_RESOLUTION_FAILURE':
      return 'BAD_USER_INPUT';
    case 'DOWNSTREAM_SERVICE_ERROR':
      return 'UPSTREAM_ERROR';
    default:
      return 'INTERNAL_SERVER_ERROR';
  }
}
