/**
 * `fetch` for upstream calls, counted and timed into the current server's metrics (request-scope.ts):
 * by system, operation (upstream-operation.ts) and status, "timeout" or "unreachable" when no answer came.
 */
import { currentMetrics } from './request-scope.ts';
import { upstreamOperation } from './upstream-operation.ts';

export async function observedFetch(system: string, url: string, init: RequestInit): Promise<Response> {
  const metrics = currentMetrics();
  if (!metrics) return fetch(url, init);
  const operation = upstreamOperation(url, init);
  const started = performance.now();
  const record = (status: string) => metrics.upstreamCall({ system, operation, status, seconds: (performance.now() - started) / 1000 });
  try {
    const res = await fetch(url, init);
    record(String(res.status));
    return res;
  } catch (err) {
    record(err instanceof DOMException && err.name === 'TimeoutError' ? 'timeout' : 'unreachable');
    throw err;
  }
}
