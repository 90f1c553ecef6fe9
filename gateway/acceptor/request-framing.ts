/**
 * Just enough of an HTTP/1.1 request's head for the acceptor to refuse it and keep the connection: where
 * the request ends (its head and a Content-Length body) and whether the client lets the connection stay
 * open after the answer. Anything it cannot frame for certain (a chunked body, `Expect: 100-continue`,
 * HTTP/1.0, a malformed or oversized head) is refused with the connection closed.
 */

/** A head longer than this without its blank line is refused (Node's own limit is 16 KiB). */
export const MAX_HEAD_BYTES = 16 * 1024;
/** A refused request with a larger body closes its connection rather than have the acceptor read all of it (the gateway's own body limit is 1 MiB). */
export const MAX_SKIPPED_BODY_BYTES = 1024 * 1024;
const PROBE = /^GET \/(?:health|healthz|readyz|metrics)(?:[?# ]|$)/;
const REQUEST_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+ \S+ HTTP\/1\.([01])$/;
const HEAD_END = Buffer.from('\r\n\r\n');
const LAST = { kind: 'last' } as const;

export type RequestFrame =
  /** More bytes are needed to see the whole head. */
  | { kind: 'incomplete' }
  /** A health or metrics probe: handed to the gateway whatever its load. */
  | { kind: 'probe' }
  /** The last the connection carries: answered, then the connection closed (the client asks so, or what follows could not be told from its body). */
  | { kind: 'last' }
  /** `headBytes` then `bodyBytes` make the request; the next one starts after them. */
  | { kind: 'framed'; headBytes: number; bodyBytes: number };

/** What `buffer` (the bytes read of a connection from a request's first byte) holds of that request. */
export function frameRequest(buffer: Buffer): RequestFrame {
  if (PROBE.test(buffer.toString('latin1', 0, 64))) return { kind: 'probe' };
  const end = buffer.indexOf(HEAD_END);
  if (end < 0) return buffer.length > MAX_HEAD_BYTES ? LAST : { kind: 'incomplete' };
  if (end > MAX_HEAD_BYTES) return LAST;
  const [requestLine, ...fields] = buffer.toString('latin1', 0, end).split('\r\n');
  // HTTP/1.0 closes after each answer unless it asks otherwise; not worth keeping for a refusal.
  if (REQUEST_LINE.exec(requestLine)?.[1] !== '1') return LAST;
  let bodyBytes: number | undefined;
  for (const field of fields) {
    const colon = field.indexOf(':');
    if (colon <= 0) return LAST;
    const name = field.slice(0, colon).toLowerCase();
    const value = field.slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') {
      // Not a plain decimal, or repeated with another value: a broken client's or a request smuggler's; not ours to frame.
      if (!/^\d{1,15}$/.test(value) || (bodyBytes !== undefined && bodyBytes !== Number(value)) || Number(value) > MAX_SKIPPED_BODY_BYTES) return LAST;
      bodyBytes = Number(value);
    }
    // A chunked body's end takes a parser to find; a client expecting 100 may or may not send its body after a final answer.
    if (name === 'transfer-encoding' || (name === 'expect' && value === '100-continue')) return LAST;
    if (name === 'connection' && value.split(',').some((token) => token.trim() === 'close')) return LAST;
  }
  return { kind: 'framed', headBytes: end + HEAD_END.length, bodyBytes: bodyBytes ?? 0 };
}
