import { describe, expect, it } from 'vitest';
import { traceIdentity, traceparentFor } from '../../subgraphs/shared/logging/trace-context.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('traceIdentity', () => {
  it('takes a well-formed X-Request-Id and a valid traceparent, with a span of its own', () => {
    const id = traceIdentity({ 'x-request-id': 'order-sync:42', traceparent: `00-${TRACE}-${SPAN}-00` });
    expect(id).toEqual({ requestId: 'order-sync:42', traceId: TRACE, spanId: expect.stringMatching(/^[0-9a-f]{16}$/), parentSpanId: SPAN, flags: '00' });
    expect(id.spanId).not.toBe(SPAN);
  });

  it('uses the trace id as the request id when no X-Request-Id is given', () => {
    expect(traceIdentity({ traceparent: `00-${TRACE}-${SPAN}-01` }).requestId).toBe(TRACE);
  });

  it('refuses malformed traceparents: another version, upper case, all-zero ids, wrong lengths', () => {
    for (const traceparent of [`01-${TRACE}-${SPAN}-01`, `00-${TRACE.toUpperCase()}-${SPAN}-01`, `00-${'0'.repeat(32)}-${SPAN}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`, `00-${TRACE}1-${SPAN}-01`]) {
      const id = traceIdentity({ traceparent });
      expect(id.traceId).not.toBe(TRACE);
      expect(id.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(id.requestId).toMatch(UUID);
      expect(id.parentSpanId).toBeUndefined();
    }
  });

  it('replaces an X-Request-Id that is empty, too long or has other characters', () => {
    for (const given of ['', 'a'.repeat(129), 'two words', 'line\u2028break', '<script>']) expect(traceIdentity({ 'x-request-id': given }).requestId).toMatch(UUID);
    expect(traceIdentity({ 'x-request-id': 'a'.repeat(128) }).requestId).toBe('a'.repeat(128));
  });

  it('gives each outgoing call the same trace and a new span', () => {
    const id = traceIdentity({ traceparent: `00-${TRACE}-${SPAN}-01` });
    const [a, b] = [traceparentFor(id), traceparentFor(id)];
    expect(a).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-01$`));
    expect(a).not.toBe(b);
  });
});
