/**
 * What the acceptor reads of a refused request to keep its connection (gateway/acceptor/request-framing.ts):
 * where it ends, and which requests close the connection because their end cannot be found for certain or
 * the client asks so.
 */
import { describe, expect, it } from 'vitest';
import { frameRequest, MAX_HEAD_BYTES, MAX_SKIPPED_BODY_BYTES } from '../../gateway/acceptor/request-framing.ts';

const request = (head: string[], body = '') => Buffer.from(`${head.join('\r\n')}\r\n\r\n${body}`, 'latin1');
const post = (extra: string[] = [], body = '{"query":"{ __typename }"}') =>
  request(['POST /graphql HTTP/1.1', 'Host: gw', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, ...extra], body);

describe('frameRequest', () => {
  it('frames a request by its head and Content-Length, whatever follows it', () => {
    const one = post();
    const headBytes = one.indexOf('\r\n\r\n') + 4;
    expect(frameRequest(one)).toEqual({ kind: 'framed', headBytes, bodyBytes: one.length - headBytes });
    // The next request already read behind it, or the body not all read yet: the same frame.
    expect(frameRequest(Buffer.concat([one, post()]))).toEqual({ kind: 'framed', headBytes, bodyBytes: one.length - headBytes });
    expect(frameRequest(one.subarray(0, headBytes + 3))).toEqual({ kind: 'framed', headBytes, bodyBytes: one.length - headBytes });
    // No body, header names in any case, a repeated length that agrees.
    expect(frameRequest(request(['GET /graphql?query=%7B__typename%7D HTTP/1.1', 'host: gw']))).toMatchObject({ kind: 'framed', bodyBytes: 0 });
    expect(frameRequest(post(['CONTENT-LENGTH: 26']))).toMatchObject({ kind: 'framed', bodyBytes: 26 });
  });

  it('waits for the whole head, up to the size limit', () => {
    const one = post();
    expect(frameRequest(one.subarray(0, 20))).toEqual({ kind: 'incomplete' });
    expect(frameRequest(one.subarray(0, one.indexOf('\r\n\r\n') + 2))).toEqual({ kind: 'incomplete' });
    expect(frameRequest(Buffer.from(`POST /graphql HTTP/1.1\r\nX-Padding: ${'a'.repeat(MAX_HEAD_BYTES)}`))).toEqual({ kind: 'last' });
    expect(frameRequest(post([`X-Padding: ${'a'.repeat(MAX_HEAD_BYTES)}`]))).toEqual({ kind: 'last' });
  });

  it('tells probes apart, whatever their head', () => {
    for (const path of ['/health', '/healthz', '/readyz?verbose', '/metrics']) expect(frameRequest(Buffer.from(`GET ${path} HTTP/1.1\r\n`))).toEqual({ kind: 'probe' });
    expect(frameRequest(Buffer.from('GET /healthcheck HTTP/1.1\r\n'))).toEqual({ kind: 'incomplete' });
    expect(frameRequest(Buffer.from('POST /health HTTP/1.1\r\nContent-Length: 0\r\n\r\n'))).toMatchObject({ kind: 'framed' });
  });

  it('makes the request the connection\'s last when its end cannot be found for certain or the client closes', () => {
    const cases: [string, Buffer][] = [
      ['chunked', post(['Transfer-Encoding: chunked'])],
      ['expect 100-continue', post(['Expect: 100-continue'])],
      ['connection close', post(['Connection: keep-alive, Close'])],
      ['HTTP/1.0', request(['POST /graphql HTTP/1.0', 'Content-Length: 2'], '{}')],
      ['two lengths', post(['Content-Length: 27'])],
      ['a length that is not a number', request(['POST /graphql HTTP/1.1', 'Content-Length: 2x'], '{}')],
      ['a body too large to skip', request(['POST /graphql HTTP/1.1', `Content-Length: ${MAX_SKIPPED_BODY_BYTES + 1}`])],
      ['a field without a colon', request(['POST /graphql HTTP/1.1', 'Content-Length 2'], '{}')],
      ['not a request line', request(['HELLO'])],
    ];
    for (const [name, bytes] of cases) expect([name, frameRequest(bytes)]).toEqual([name, { kind: 'last' }]);
  });
});
