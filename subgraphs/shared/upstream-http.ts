/**
 * The one place subgraph clients turn HTTP into results or coded errors. Every call has a timeout;
 * messages name the system, never its URL, host or credential. Reads a client marks as shareable are
 * sent once while identical ones are in flight (see RequestOptions).
 */
import { createHash } from 'node:crypto';
import { codedError } from '../../schema/errors.ts';
import { recordCacheLookup } from './observability/cache-lookup.ts';
import { callTimeoutMs } from './deadline.ts';
import { propagate } from './logging/request-scope.ts';
import { observedRequest } from './observability/observed-request.ts';
import { UpstreamTimeoutError, type RawUpstreamAnswer } from './upstream-transport.ts';
import { upstreamRead } from './record-cache/answer-dependencies.ts';

export interface UpstreamConfig {
  /** Base URL of the system, without a trailing slash. */
  baseUrl: string;
  /** The credential, sent in the system's own header style by its client. */
  credential: string;
  /** Per-request timeout. */
  timeoutMs: number;
}

export interface UpstreamResponse {
  status: number;
  /** Names in lower case. */
  headers: RawUpstreamAnswer['headers'];
  body: unknown;
}

export interface RequestOptions {
  /**
   * A read that an identical request already in flight may answer (same system, method, URL, body and
   * headers, the credential included, so one caller's answer never serves another credential). Only
   * for reads of data the gateway never writes: a read begun after one of our writes was answered must
   * not join a request sent before it (read-after-write). Never for writes.
   */
  shareInFlight?: boolean;
}

/** An answer as it came, before it is interpreted: each sharer parses its own copy of the body. */
type RawAnswer = RawUpstreamAnswer;

/** Shareable reads in flight in this process, by shareKey. */
const inFlight = new Map<string, Promise<RawAnswer>>();

/** Statuses that mean "try again later" rather than "the request is wrong". */
const UNAVAILABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Node's error codes for a connection never made: the request was not sent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Sends one request and parses the JSON answer. Network failures, timeouts, 429 and 502-504 become
 * UPSTREAM_UNAVAILABLE (429 with `throttled: true`; a timeout or a connection lost once made with `outcomeUnknown: true`; with the upstream's Retry-After as `retryAfterMs`); a refused credential and other 5xx become UPSTREAM_ERROR. Other 4xx answers are
 * returned for the client to interpret (404 → NOT_FOUND, validation errors, …).
 */
export async function upstreamRequest(
  system: string, url: string, init: UpstreamInit, configuredTimeoutMs: number, options: RequestOptions = {},
): Promise<UpstreamResponse> {
  // Within a request's deadline (shared/deadline.ts) a call is shorter, or not started at all.
  const timeoutMs = callTimeoutMs(system, configuredTimeoutMs);
  // Unless its caller named what it reads, the answer this call serves may not be kept by the gateway.
  upstreamRead();
  const shareable = options.shareInFlight === true;
  if (!shareable) return interpret(system, await send(system, url, init, timeoutMs));
  const key = shareKey(system, url, init);
  let answer = inFlight.get(key);
  recordCacheLookup('upstream_in_flight', answer !== undefined);
  if (!answer) {
    answer = send(system, url, init, timeoutMs).finally(() => inFlight.delete(key));
    inFlight.set(key, answer);
  }
  return interpret(system, await answer);
}

/** A request as the clients make one: the method, headers and a JSON body (none for a GET). */
export interface UpstreamInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Everything that makes two requests the same request, hashed (the key holds no credential or body in clear). */
function shareKey(system: string, url: string, init: UpstreamInit): string {
  const headers = Object.entries(init.headers).map(([name, value]) => [name.toLowerCase(), value]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([system, init.method ?? 'GET', url, init.body ?? null, headers])).digest('base64url');
}

/** One request on the wire; a network failure or timeout becomes UPSTREAM_UNAVAILABLE. */
async function send(system: string, url: string, init: UpstreamInit, timeoutMs: number): Promise<RawAnswer> {
  try {
    return await observedRequest(system, url, { ...init, headers: withPropagation(init.headers, system) }, timeoutMs);
  } catch (err) {
    const timedOut = err instanceof UpstreamTimeoutError;
    // outcomeUnknown: the request was (or may have been) sent and may still be applied; the write path must not call it "not written".
    const outcomeUnknown = timedOut || !NOT_SENT.has(String((err as { code?: unknown }).code));
    throw codedError('UPSTREAM_UNAVAILABLE', timedOut ? `${system} did not answer within ${timeoutMs} ms.` : `${system} is unreachable.`, outcomeUnknown ? { system, outcomeUnknown } : { system });
  }
}

/** The answer as a result, or the coded error its status means. */
function interpret(system: string, res: RawAnswer): UpstreamResponse {
  const { text } = res;
  if (UNAVAILABLE_STATUSES.has(res.status)) {
    const retryAfterMs = retryAfter(headerValue(res.headers['retry-after']));
    throw codedError('UPSTREAM_UNAVAILABLE', `${system} is unavailable (HTTP ${res.status}).`, {
      system, status: res.status, ...(res.status === 429 ? { throttled: true } : {}), ...(retryAfterMs === null ? {} : { retryAfterMs }),
    });
  }
  if (res.status === 401 || res.status === 403) {
    throw codedError('UPSTREAM_ERROR', `${system} refused the gateway's credential (HTTP ${res.status}).`, { system, status: res.status });
  }
  if (res.status >= 500) {
    throw codedError('UPSTREAM_ERROR', `${system} failed (HTTP ${res.status}).`, { system, status: res.status });
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw codedError('UPSTREAM_ERROR', `${system} answered with a body that is not JSON (HTTP ${res.status}).`, { system, status: res.status });
  }
  return { status: res.status, headers: res.headers, body };
}

/** The client's headers plus the current request's id and traceparent (logging/request-scope.ts); counts the call. */
function withPropagation(headers: Record<string, string>, system: string): Record<string, string> {
  return { ...headers, ...propagate(system) };
}

const headerValue = (value: string | string[] | undefined): string | null => (Array.isArray(value) ? value.join(', ') : value ?? null);

/** RFC 9110 Retry-After (delay-seconds or an HTTP-date) in ms from now; null when absent or unreadable. */
function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.max(0, ms) : null;
}

/** For an answer the client did not expect: an UPSTREAM_ERROR that names the system and status only. */
export function unexpectedResponse(system: string, response: UpstreamResponse, what: string): Error {
  return codedError('UPSTREAM_ERROR', `${system} answered ${what} with an unexpected response (HTTP ${response.status}).`, { system, status: response.status });
}
