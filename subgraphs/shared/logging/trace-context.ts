/**
 * Who a request is for logs: its request id and its place in a W3C trace (https://www.w3.org/TR/trace-context/).
 * The request id is the caller's `X-Request-Id` when well formed (1-128 of [A-Za-z0-9._:-]), else the
 * trace id of a valid `traceparent`, else a new UUID. The trace id is kept from `traceparent` or made
 * up; each hop gets a span id of its own, and each call it makes a new one, sent as the parent of the next.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface TraceIdentity {
  requestId: string;
  /** 32 lower-case hex digits, shared by every hop of the request. */
  traceId: string;
  /** This hop's span: 16 lower-case hex digits. */
  spanId: string;
  /** The caller's span, when a traceparent named one. */
  parentSpanId?: string;
  /** The trace flags (2 hex digits; 01 = sampled). */
  flags: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
// Version 00 only; version ff is invalid, and all-zero ids are invalid (trace-context §3.2.2).
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ALL_ZERO = /^0+$/;

/**
 * Random bytes taken in blocks (as Node's randomUUID does): one randomBytes call per span id cost a
 * system call and a buffer each, several per request (every subgraph call has its own span).
 */
const RANDOM_BLOCK_BYTES = 4096;
let randomBlock = Buffer.alloc(0);
let randomOffset = 0;

function randomHex(bytes: number): string {
  if (randomOffset + bytes > randomBlock.length) {
    randomBlock = randomBytes(RANDOM_BLOCK_BYTES);
    randomOffset = 0;
  }
  randomOffset += bytes;
  return randomBlock.toString('hex', randomOffset - bytes, randomOffset);
}

export const newSpanId = (): string => randomHex(8);

export function traceIdentity(headers: IncomingHttpHeaders): TraceIdentity {
  const parent = parseTraceparent(headers.traceparent);
  const given = headers['x-request-id'];
  const traceId = parent?.traceId ?? randomHex(16);
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : parent?.traceId ?? randomUUID();
  return { requestId, traceId, spanId: newSpanId(), ...(parent && { parentSpanId: parent.spanId }), flags: parent?.flags ?? '01' };
}

function parseTraceparent(header: string | string[] | undefined): { traceId: string; spanId: string; flags: string } | null {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header.trim()) : null;
  if (!match || ALL_ZERO.test(match[1]) || ALL_ZERO.test(match[2])) return null;
  return { traceId: match[1], spanId: match[2], flags: match[3] };
}

/** The traceparent of one outgoing call of this hop: same trace, a new span id for the call. */
export const traceparentFor = (identity: Pick<TraceIdentity, 'traceId' | 'flags'>): string => `00-${identity.traceId}-${newSpanId()}-${identity.flags}`;
