/**
 * The HTTP shell every stand-in shares: credential check, per-endpoint request counters, and fault
 * injection (latency, failing status, dropped connections, answers lost after the request was handled,
 * well-formed answers of the wrong shape), and a record of the tracing headers each request came with.
 * The counters and faults are also reachable over HTTP under /__admin/, which is not part of any real
 * product's API. `/__admin/trace` records each request's start and end (wall-clock ms) while switched on,
 * so a benchmark can see which upstream calls of one operation waited for others.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from '../../subgraphs/shared/read-body.ts';

/** Larger than any request the subgraphs send; real APIs refuse far smaller bodies. */
const MAX_BODY_BYTES = 10_000_000;

export interface StandInRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  /** The raw body text ('' when none). */
  rawBody: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  body: unknown;
}

export interface StandInResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a stand-in answers: its endpoint's counter key, and the response. */
export interface Routed {
  endpoint: string;
  response: StandInResponse;
}

export interface Faults {
  /** Added before every answer. */
  latencyMs?: number;
  /**
   * Every answer leaves no sooner than this after its request arrived, the stand-in's own work done within
   * it, as a real API's is within its latency (the bench's upstream latency: a call takes this long, not
   * this long plus whatever the stand-in's search or serialisation cost on the shared machine).
   */
  answerAfterMs?: number;
  /** Answer with this status instead of handling the request. */
  failStatus?: number;
  /** Drop the connection without answering (the system is down). */
  down?: boolean;
  /** Apply failStatus/down to the next N requests only; unset means every request. */
  count?: number;
  /**
   * Handle the next `count` (default 1) requests to this endpoint (its counter key, e.g.
   * `POST /crm/v3/objects/contacts`), then drop the connection instead of answering: the write is
   * done but the client never learns it (a timeout or a reset on its side).
   */
  dropResponse?: { endpoint: string; count?: number };
  /** Handle requests to this endpoint at once but answer `ms` later: the write is done before a client with a shorter timeout gives up. */
  slowAnswer?: { endpoint: string; ms: number };
  /**
   * Answer requests to this endpoint with HTTP 200 and `body` instead of the real answer: well-formed
   * JSON of the wrong shape (a bug or an API change upstream), which a client does not expect.
   */
  malformedBody?: { endpoint: string; body: unknown };
}

/** The tracing headers of one request a stand-in received (X-Request-Id, traceparent), by endpoint. */
export interface ReceivedTrace {
  endpoint: string;
  requestId?: string;
  traceparent?: string;
}

/** How many ReceivedTrace entries a stand-in keeps (the most recent). */
const TRACES_KEPT = 1000;

/** One upstream request as /__admin/trace reports it: when it arrived and when its answer was sent. */
export interface TraceSpan {
  standIn: string;
  endpoint: string;
  startMs: number;
  endMs: number;
}

export interface StandInOptions {
  name: string;
  port?: number;
  host?: string;
  /** Returns the product's own refusal when the request lacks a valid credential, else null. */
  authenticate: (req: StandInRequest) => StandInResponse | null;
  route: (req: StandInRequest) => Promise<Routed> | Routed;
  /** Extra admin endpoints by path (e.g. `/__admin/webhooks`), given the method and the parsed JSON body. */
  adminRoutes?: Record<string, (method: string, body: unknown) => StandInResponse>;
}

export interface StandIn {
  name: string;
  url: string;
  port: number;
  /** Requests received per endpoint since the last reset, e.g. { 'POST /crm/v3/objects/contacts/batch/read': 2 }. */
  counters(): Record<string, number>;
  totalRequests(): number;
  resetCounters(): void;
  setFaults(faults: Faults): void;
  /** The tracing headers of the most recent requests, oldest first (cleared by resetCounters). */
  receivedTraces(): ReceivedTrace[];
  close(): Promise<void>;
}

export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const counts = new Map<string, number>();
  const traces: ReceivedTrace[] = [];
  let faults: Faults = {};
  // null while tracing is off (the default): nothing is recorded.
  let trace: TraceSpan[] | null = null;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const rawBody = await readBody(req, MAX_BODY_BYTES);
    if (rawBody === null) return send(res, { status: 413, body: { message: `Request bodies are limited to ${MAX_BODY_BYTES} bytes.` } });
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname.startsWith('/__admin/')) return admin(url, req.method ?? 'GET', rawBody, res);

    const startMs = performance.timeOrigin + performance.now();
    const answerAfterMs = faults.answerAfterMs;
    const answer = async (response: StandInResponse) => {
      const wait = answerAfterMs ? startMs + answerAfterMs - (performance.timeOrigin + performance.now()) : 0;
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      send(res, response);
    };
    if (trace) res.once('finish', () => trace?.push({ standIn: options.name, endpoint: `${req.method} ${url.pathname}`, startMs, endMs: performance.timeOrigin + performance.now() }));
    const request: StandInRequest = { method: req.method ?? 'GET', url, headers: req.headers, rawBody, body: parseJson(rawBody) };
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (faults.down || faults.failStatus) {
      const { down, failStatus } = faults;
      if (faults.count !== undefined && --faults.count <= 0) faults = { latencyMs: faults.latencyMs, answerAfterMs: faults.answerAfterMs, dropResponse: faults.dropResponse };
      if (down && !failStatus) return req.socket.destroy();
      bump(`${request.method} ${url.pathname}`);
      return answer({ status: failStatus ?? 503, body: { message: 'Injected failure' } });
    }
    const refusal = options.authenticate(request);
    if (refusal) {
      bump('unauthenticated');
      return answer(refusal);
    }
    const routed = await options.route(request);
    bump(routed.endpoint);
    record(routed.endpoint, req.headers);
    if (responseLost(routed.endpoint)) return req.socket.destroy();
    if (faults.slowAnswer?.endpoint === routed.endpoint) await new Promise((r) => setTimeout(r, faults.slowAnswer!.ms));
    if (faults.malformedBody?.endpoint === routed.endpoint) return answer({ status: 200, body: faults.malformedBody.body });
    return answer(routed.response);
  };

  /** Whether this answer is one a dropResponse fault swallows (counting it down). */
  const responseLost = (endpoint: string): boolean => {
    const drop = faults.dropResponse;
    if (!drop || drop.endpoint !== endpoint) return false;
    const left = (drop.count ?? 1) - 1;
    faults = { ...faults, dropResponse: left > 0 ? { endpoint, count: left } : undefined };
    return true;
  };

  const bump = (endpoint: string) => counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);

  const record = (endpoint: string, headers: IncomingMessage['headers']) => {
    const header = (name: string) => (typeof headers[name] === 'string' ? { [name === 'x-request-id' ? 'requestId' : name]: headers[name] as string } : {});
    traces.push({ endpoint, ...header('x-request-id'), ...header('traceparent') });
    if (traces.length > TRACES_KEPT) traces.shift();
  };

  const admin = (url: URL, method: string, rawBody: string, res: ServerResponse) => {
    if (url.pathname === '/__admin/counters') return send(res, { status: 200, body: Object.fromEntries(counts) });
    if (url.pathname === '/__admin/reset' && method === 'POST') {
      counts.clear();
      traces.length = 0;
      return send(res, { status: 200, body: { ok: true } });
    }
    if (url.pathname === '/__admin/faults' && method === 'POST') {
      faults = (parseJson(rawBody) as Faults) ?? {};
      return send(res, { status: 200, body: faults });
    }
    if (url.pathname === '/__admin/trace') {
      // POST {"enabled": true} starts a fresh trace, {"enabled": false} stops it; GET returns the spans so far.
      if (method === 'POST') trace = (parseJson(rawBody) as { enabled?: boolean } | undefined)?.enabled ? [] : null;
      return send(res, { status: 200, body: { enabled: trace !== null, spans: trace ?? [] } });
    }
    const extra = options.adminRoutes?.[url.pathname];
    if (extra) return send(res, extra(method, parseJson(rawBody)));
    return send(res, { status: 404, body: { message: 'Unknown admin endpoint' } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: { message: `Stand-in ${options.name} failed: ${String(err)}` } });
    });
  });
  server.keepAliveTimeout = 30_000;
  // A port already in use rejects here (with EADDRINUSE) instead of crashing the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    name: options.name,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    counters: () => Object.fromEntries(counts),
    totalRequests: () => [...counts.entries()].filter(([k]) => k !== 'unauthenticated').reduce((n, [, v]) => n + v, 0),
    resetCounters: () => {
      counts.clear();
      traces.length = 0;
    },
    receivedTraces: () => [...traces],
    setFaults: (f) => { faults = { ...f }; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, response: StandInResponse): void {
  res.writeHead(response.status, { 'content-type': 'application/json; charset=utf-8', ...response.headers });
  res.end(response.body === undefined ? '' : JSON.stringify(response.body));
}
