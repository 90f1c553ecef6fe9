/**
 * A request's id and W3C trace context travel gateway → subgraph → upstream: the id from X-Request-Id
 * (when well formed) or from traceparent's trace id (else a new one) comes back in the response header,
 * in every error, in each process's log line and in the headers every stand-in received; every hop
 * keeps the trace id and sends a span id of its own.
 */
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { useStack } from '../e2e/harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { rawFetch } from '../setup/request-ids.ts';
import { encodeId } from '../../subgraphs/shared/ids.ts';
import { readLogLines } from './log-lines.ts';

const logFile = join(inject('logDir'), `trace-context-${process.pid}-${Date.now()}.log`);
// Record caches off: every request must reach the upstreams for their traces to be read.
const t = useStack({ logFile, env: { CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0' } });

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

/** A contact with an ERP partner: reading its name and account calls the CRM and ERP subgraphs, HubSpot and Odoo. */
function linkedCustomerId(): string {
  const contact = t.stack.dataset.hubspot.contacts.find((c) => c.properties.erp_partner_id)!;
  return encodeId('Customer', contact.id);
}

async function ask(headers: Record<string, string>, auth = true) {
  t.stack.resetUpstreamCounters();
  const res = await rawFetch(t.stack.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? await devAuthHeader() : {}), ...headers },
    body: JSON.stringify({ query: 'query Account($id: ID!) { customer(id: $id) { name account { number } } }', variables: { id: linkedCustomerId() } }),
  });
  return { requestId: res.headers.get('x-request-id')!, status: res.status, body: await res.json() };
}

const upstreamTraces = () => [t.stack.standIns.hubspot, t.stack.standIns.odoo].flatMap((s) => s.receivedTraces().map((trace) => ({ ...trace, standIn: s.name })));
const linesOf = (requestId: string) => readLogLines(logFile).filter((l) => l.requestId === requestId && l.msg === 'request');

describe('request ids and trace context', () => {
  it('keeps a well-formed X-Request-Id through the gateway, both subgraphs and both upstreams', async () => {
    const { requestId, body } = await ask({ 'x-request-id': 'client-req.42' });
    expect(body.errors).toBeUndefined();
    expect(requestId).toBe('client-req.42');
    const traces = upstreamTraces();
    expect(new Set(traces.map((x) => x.standIn))).toEqual(new Set(['hubspot', 'odoo']));
    for (const trace of traces) expect(trace).toMatchObject({ requestId: 'client-req.42', traceparent: expect.stringMatching(TRACEPARENT) });

    const lines = linesOf(requestId);
    expect(lines.map((l) => l.service).sort()).toEqual(['crm', 'erp', 'gateway']);
    const gateway = lines.find((l) => l.service === 'gateway')!;
    expect(gateway).toMatchObject({ operationName: 'Account', outcome: 'ok', status: 200, calls: { crm: 1, erp: 1 } });
    // One trace for the whole request, whatever the hop.
    const traceIds = new Set([...lines.map((l) => l.traceId), ...traces.map((x) => TRACEPARENT.exec(x.traceparent!)![1])]);
    expect(traceIds).toEqual(new Set([gateway.traceId]));
    expect(lines.find((l) => l.service === 'crm')).toMatchObject({ calls: { HubSpot: expect.any(Number) }, outcome: 'ok' });
  });

  it("continues the caller's trace: same trace id, a new span per hop, the request id taken from the trace id", async () => {
    const { requestId, body } = await ask({ traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` });
    expect(body.errors).toBeUndefined();
    expect(requestId).toBe(TRACE_ID);
    const lines = linesOf(requestId);
    const gateway = lines.find((l) => l.service === 'gateway')!;
    expect(gateway).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_SPAN });
    expect(gateway.spanId).not.toBe(PARENT_SPAN);
    // Each subgraph's parent is a span of the gateway's (one per call), never the caller's.
    for (const service of ['crm', 'erp']) {
      const line = lines.find((l) => l.service === service)!;
      expect(line).toMatchObject({ traceId: TRACE_ID, parentSpanId: expect.stringMatching(/^[0-9a-f]{16}$/) });
      expect([PARENT_SPAN, gateway.spanId]).not.toContain(line.parentSpanId);
    }
    const spans = new Set<string>();
    for (const trace of upstreamTraces()) {
      const [, traceId, span] = TRACEPARENT.exec(trace.traceparent!)!;
      expect(traceId).toBe(TRACE_ID);
      spans.add(span);
    }
    expect(spans.has(PARENT_SPAN)).toBe(false);
    expect(spans.size).toBe(upstreamTraces().length);
  });

  it('replaces an X-Request-Id that is too long or has other characters, and ignores an invalid traceparent', async () => {
    for (const given of ['x'.repeat(129), 'has space', 'semi;colon']) {
      const { requestId } = await ask({ 'x-request-id': given, traceparent: `00-${'0'.repeat(32)}-${PARENT_SPAN}-01` });
      expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(upstreamTraces().length).toBeGreaterThan(0);
      expect(upstreamTraces().every((x) => x.requestId === requestId && !x.traceparent!.includes('0'.repeat(32)))).toBe(true);
    }
  });

  it('puts the request id in every error the client sees, refusals included', async () => {
    const refused = await ask({ 'x-request-id': 'no-token-1' }, false);
    expect(refused.status).toBe(401);
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', requestId: 'no-token-1' } })]);
    expect(linesOf('no-token-1')).toEqual([expect.objectContaining({ service: 'gateway', outcome: 'refused', refused: 'UNAUTHENTICATED', calls: {} })]);

    t.stack.standIns.odoo.setFaults({ failStatus: 500 });
    try {
      const partial = await ask({ 'x-request-id': 'odoo-down-1' });
      expect(partial.body.errors.length).toBeGreaterThan(0);
      for (const error of partial.body.errors) expect(error.extensions.requestId).toBe('odoo-down-1');
    } finally {
      t.stack.standIns.odoo.setFaults({});
    }
  });
});
