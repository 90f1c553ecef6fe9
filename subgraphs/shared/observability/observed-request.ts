/**
 * An upstream call (upstream-transport.ts), counted and timed into the current server's metrics
 * (request-scope.ts): by system, operation (upstream-operation.ts) and status, "timeout" or
 * "unreachable" when no answer came.
 */
import { currentMetrics } from './request-scope.ts';
import { upstreamOperation } from './upstream-operation.ts';
import { sendUpstream, UpstreamTimeoutError, type RawUpstreamAnswer, type UpstreamExchange } from '../upstream-transport.ts';

export async function observedRequest(system: string, url: string, exchange: UpstreamExchange, timeoutMs: number): Promise<RawUpstreamAnswer> {
  const metrics = currentMetrics();
  if (!metrics) return sendUpstream(url, exchange, timeoutMs);
  const operation = upstreamOperation(url, exchange);
  const started = performance.now();
  const record = (status: string) => metrics.upstreamCall({ system, operation, status, seconds: (performance.now() - started) / 1000 });
  try {
    const res = await sendUpstream(url, exchange, timeoutMs);
    record(String(res.status));
    return res;
  } catch (err) {
    record(err instanceof UpstreamTimeoutError ? 'timeout' : 'unreachable');
    throw err;
  }
}
