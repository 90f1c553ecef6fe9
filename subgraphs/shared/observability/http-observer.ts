/**
 * Wraps a server's node:http handler with what operators ask of it: GET /metrics (Prometheus text),
 * GET /healthz (the process answers), GET /readyz (what it needs works: 200, else 503, with each
 * part's status), and the request metrics of every GraphQL request, read from the response the client
 * got (its status, its errors' codes) and the operation Apollo ran (operation-name-plugin.ts).
 */
import type { RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { RequestMetrics, RequestOutcome } from './request-metrics.ts';
import { withMetricsScope, type MetricsScope, type RequestRecord } from './request-scope.ts';
import { readinessReport, type ReadinessCheck } from './readiness.ts';

/** One finished GraphQL request as the observer saw it. */
export interface ObservedRequest {
  status: number;
  operation: string;
  outcome: RequestOutcome;
  /** The response's errors (code and extensions), in order. */
  errors: { code: string; extensions: Record<string, unknown> }[];
}

export interface HttpObserverOptions {
  registry: Registry;
  requests: RequestMetrics;
  readiness: ReadinessCheck;
  /** The scope the handler runs in (the server's metrics, for upstream calls and caches). */
  scope?: Omit<MetricsScope, 'request'>;
  /** Called for every finished GraphQL request, after the request metrics (e.g. refusals by limit). */
  onRequest?: (request: ObservedRequest) => void;
}

const GRAPHQL_PATH = '/graphql';

export function observeHttp(options: HttpObserverOptions, handler: RequestListener): RequestListener {
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') return void sendMetrics(options.registry, res);
    if (req.method === 'GET' && path === '/healthz') return void json(res, 200, { status: 'ok' });
    if (req.method === 'GET' && path === '/readyz') return void sendReadiness(options.readiness, res);
    if (path !== GRAPHQL_PATH || (req.method !== 'GET' && req.method !== 'POST')) {
      return withMetricsScope({ ...options.scope }, () => handler(req, res));
    }
    const record: RequestRecord = {};
    const started = performance.now();
    const body = captureBody(res);
    res.once('finish', () => finished(options, res, record, body(), (performance.now() - started) / 1000));
    return withMetricsScope({ ...options.scope, request: record }, () => handler(req, res));
  };
}

function finished(options: HttpObserverOptions, res: ServerResponse, record: RequestRecord, body: string, seconds: number): void {
  // Not a GraphQL answer (e.g. a page served to a browser at /graphql): not a GraphQL request.
  if (!String(res.getHeader('content-type') ?? '').includes('json')) return;
  const { data, errors } = graphqlResult(body);
  const outcome: RequestOutcome = record.operation === undefined ? 'refused'
    : errors.length === 0 && res.statusCode < 500 ? 'success'
      : data ? 'partial' : 'failed';
  const operation = record.operation ?? 'unknown';
  options.requests.record({ operation, outcome, seconds, errorCodes: errors.map((e) => e.code) });
  options.onRequest?.({ status: res.statusCode, operation, outcome, errors });
}

/** Keeps what the handler passes to `res.end` (every server here sends its body in one piece). */
function captureBody(res: ServerResponse): () => string {
  let body = '';
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    if (typeof chunk === 'string') body = chunk;
    else if (Buffer.isBuffer(chunk)) body = chunk.toString('utf8');
    return end(...args);
  }) as ServerResponse['end'];
  return () => body;
}

/** Whether the response has data, and its errors' codes; parsed only when it has errors. */
function graphqlResult(body: string): { data: boolean; errors: ObservedRequest['errors'] } {
  if (!body.includes('"errors"')) return { data: true, errors: [] };
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
    const errors = Array.isArray(parsed.errors) ? parsed.errors : [];
    return {
      data: parsed.data !== null && parsed.data !== undefined,
      errors: errors.map((e) => ({ code: typeof e.extensions?.code === 'string' ? e.extensions.code : 'UNKNOWN', extensions: e.extensions ?? {} })),
    };
  } catch {
    return { data: false, errors: [] };
  }
}

async function sendMetrics(registry: Registry, res: ServerResponse): Promise<void> {
  try {
    const text = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType }).end(text);
  } catch {
    json(res, 500, { message: 'The metrics could not be collected.' });
  }
}

async function sendReadiness(check: ReadinessCheck, res: ServerResponse): Promise<void> {
  const report = await readinessReport(check);
  json(res, report.status === 'ready' ? 200 : 503, report);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}
