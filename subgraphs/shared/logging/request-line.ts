/**
 * The one line per request, for the gateway and every subgraph, written when the response has been
 * sent: the request id and trace, the operation, its duration, the calls it made, and how it ended.
 * Never a header, variable or response value.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.ts';
import type { RequestScope } from './request-scope.ts';

/** What refused a request (its code and measure) for the line, or undefined when it was not refused. */
export type RefusalOf = (res: ServerResponse) => Record<string, unknown> | undefined;

export function logRequestLine(logger: Logger, req: IncomingMessage, res: ServerResponse, scope: RequestScope, refusalOf: RefusalOf): void {
  const started = performance.now();
  res.on('finish', () => {
    const refusal = refusalOf(res);
    // A 503 with Retry-After is load shed at the door (admission control), not a failure.
    const refused = refusal && (res.statusCode < 500 || res.hasHeader('retry-after'));
    const outcome = refused ? 'refused' : res.statusCode >= 500 ? 'failed' : scope.errorCodes.length ? 'errors' : 'ok';
    const path = req.url?.split('?')[0];
    // The legacy /health probe comes every few seconds: its line is debug, not info.
    logger[path === '/health' ? 'debug' : 'info']({
      requestId: scope.requestId, traceId: scope.traceId, spanId: scope.spanId, ...(scope.parentSpanId && { parentSpanId: scope.parentSpanId }),
      method: req.method, path, operationName: scope.operationName, status: res.statusCode,
      ms: Math.round(performance.now() - started), calls: scope.calls, outcome,
      ...(scope.errorCodes.length > 0 && { errorCodes: [...new Set(scope.errorCodes)] }), ...refusal,
    }, 'request');
  });
}
