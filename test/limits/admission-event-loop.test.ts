/**
 * Admission control and the gateway's own event loop: a request the loop reads late has already spent
 * its wait, so it is refused at once instead of queueing; requests past the door count in line, so a
 * rush is refused at the door rather than after its body and token; and while the loop is busy and late
 * tick after tick, the bound shrinks. First against a real gateway whose loop is blocked, then the
 * arithmetic with a loop and clock the test sets.
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devAuthHeader } from '../support/dev-token.ts';
import { useFakeSubgraph, useLoneGateway } from '../support/lone-gateway.ts';
import { createAdmissionControl, type Arrival } from '../../gateway/limits/admission/admission-control.ts';
import { ConcurrencyBound } from '../../gateway/limits/admission/concurrency-bound.ts';
import { watchEventLoop } from '../../gateway/limits/admission/event-loop-load.ts';

const QUERY = '{ customer(id: "c-1") { name } }';
let asked = 0;

async function ask(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: `query Ask${++asked} ${QUERY}` }) });
  const body = await res.json() as { errors?: { extensions: { code: string } }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.errors?.[0]?.extensions.code, requestId: res.headers.get('x-request-id') };
}

/** Keeps this process's event loop (the gateway's, in these tests) busy for `ms`. */
function blockLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* busy: the loop runs nothing else meanwhile */ }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a request the gateway reads after its event loop was blocked', () => {
  const crm = useFakeSubgraph((req, res) => {
    req.resume();
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { customer: null } })), 3000);
  });
  const logFile = join(mkdtempSync(join(tmpdir(), 'admission-loop-')), 'gateway.log');
  // One slot; a request may wait 400 ms for it, and (before any run has finished) a turn is expected in 40 ms.
  const gateway = useLoneGateway(() => ({
    CRM_SUBGRAPH_URL: crm.url, SUBGRAPH_TIMEOUT_MS: '10000', ADMISSION_MIN_CONCURRENT: '1', ADMISSION_MAX_CONCURRENT: '1', ADMISSION_MAX_WAIT_MS: '400', ADMISSION_LATENCY_TARGET_MS: '40',
  }), logFile);

  it('is refused at once with 503 and Retry-After instead of queueing, while one read by an idle loop queues for its turn', async () => {
    const auth = await devAuthHeader();
    const holder = ask(gateway.url, auth);
    await settle(300);
    // The loop blocked for longer than the max wait: the next request has no wait left by the time it is read.
    const late = ask(gateway.url, auth);
    blockLoop(600);
    const refused = await late;
    expect([refused.status, refused.code, refused.retryAfter]).toEqual([503, 'OVERLOADED', '1']);
    // Once the loop keeps time again, a request finding the slot taken queues (a turn in 40 ms is expected),
    // and is refused only when its 400 ms are up, the holder still running.
    await settle(1000);
    const queued = ask(gateway.url, auth);
    const [waited, held] = await Promise.all([queued, holder]);
    expect([waited.status, waited.code]).toEqual([503, 'OVERLOADED']);
    expect(held.status).toBe(200);

    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.msg === 'request');
    const msOf = (requestId: string | null) => lines.find((l) => l.requestId === requestId)?.ms as number;
    // From the handler to the answer: at once for the late one, the whole wait for the one that queued.
    expect(msOf(refused.requestId)).toBeLessThan(200);
    expect(msOf(waited.requestId)).toBeGreaterThanOrEqual(300);
  });
});

describe('the event-loop watcher', () => {
  it('reports how late the loop runs, now and tick after tick, and how busy it is', async () => {
    const loop = watchEventLoop();
    try {
      await settle(100);
      blockLoop(300);
      // Read inside the blocking callback: the tick is overdue by about the block.
      expect(loop.lateMs()).toBeGreaterThanOrEqual(250);
      await settle(30);
      // One long block counts once in the sustained figure, not as a loop late tick after tick.
      expect(loop.sustainedLateMs()).toBeLessThan(loop.lateMs());
      for (let i = 0; i < 30; i++) {
        blockLoop(60);
        await settle(0);
      }
      expect(loop.sustainedLateMs()).toBeGreaterThan(30);
      expect(loop.utilisation()).toBeGreaterThan(0.8);
    } finally {
      loop.stop();
    }
  });
});

describe('admission at the door', () => {
  const settings = { minConcurrent: 2, maxConcurrent: 2, latencyTargetMs: 1000, maxWaitMs: 50, loopDelayTargetMs: 50 };

  it('counts the requests past the door: a rush larger than the free slots is refused there, before any body is read', async () => {
    const admission = createAdmissionControl(settings);
    // Five arrive before any has read its body: two free slots, and a turn 500 ms away for the rest.
    const arrivals = Array.from({ length: 5 }, () => admission.arrive());
    expect(arrivals.map((a) => a !== null)).toEqual([true, true, false, false, false]);
    const slots = await Promise.all(arrivals.slice(0, 2).map((a) => a!.admit(() => false)));
    expect(slots.every((s) => !('refused' in s))).toBe(true);
    expect(admission.state()).toEqual({ limit: 2, running: 2, waiting: 0 });
  });

  it('gives a place back when the request is refused for something else (its body or token)', () => {
    const admission = createAdmissionControl(settings);
    const first = admission.arrive()!;
    admission.arrive()!.leave();
    first.leave();
    const again: (Arrival | null)[] = [admission.arrive(), admission.arrive()];
    expect(again.every((a) => a !== null)).toBe(true);
  });

  it('lets a request queue only while the loop runs on time, and always takes a free slot however late the loop', async () => {
    let lateMs = 0;
    const loop = { lateMs: () => lateMs, sustainedLateMs: () => 0, utilisation: () => 0 };
    // One slot; a turn is expected 10 ms after it is taken.
    const admission = createAdmissionControl({ ...settings, minConcurrent: 1, maxConcurrent: 1, latencyTargetMs: 10 }, loop);
    lateMs = 500;
    const holder = await admission.arrive()!.admit(() => false);
    expect('refused' in holder).toBe(false);
    // Late by more than half the max wait: arrived that long ago, and its answer would come as late.
    lateMs = 30;
    expect(admission.arrive()).toBeNull();
    lateMs = 10;
    const queued = admission.arrive()!.admit(() => false);
    expect(admission.state().waiting).toBe(1);
    (holder as { release(): void }).release();
    expect('refused' in await queued).toBe(false);
  });

  it('shrinks the bound while the loop is busy and late tick after tick, and only then', () => {
    let busy = { utilisation: 0.5, sustainedLateMs: 200 };
    const loop = { lateMs: () => 0, sustainedLateMs: () => busy.sustainedLateMs, utilisation: () => busy.utilisation };
    let clock = 0;
    // A latency target so long that the operations' age never shrinks the bound here: only the loop does.
    const admission = createAdmissionControl({ minConcurrent: 2, maxConcurrent: 64, latencyTargetMs: 1e6, maxWaitMs: 50, loopDelayTargetMs: 50 }, loop, () => clock);
    for (let i = 0; i < 32; i++) void admission.arrive()!.admit(() => false);
    // Late but mostly waiting for I/O: not the gateway's own CPU running short.
    for (let i = 0; i < 20; i++, clock += 100) admission.arrive()?.leave();
    expect(admission.state().limit).toBe(64);
    // Busy and 200 ms late with 32 running: 8 would keep it 50 ms late. One step per 100 ms at most.
    busy = { utilisation: 0.95, sustainedLateMs: 200 };
    for (let i = 0; i < 5; i++) admission.arrive()?.leave();
    expect(admission.state().limit).toBe(Math.floor(64 + 0.25 * (8 - 64)));
    for (let i = 0; i < 40; i++, clock += 100) admission.arrive()?.leave();
    expect(admission.state().limit).toBe(8);
  });
});

describe('the bound under a late loop', () => {
  it('moves toward running × target / lateness, never below the minimum, and not while the loop keeps its target', () => {
    const bound = new ConcurrencyBound({ minConcurrent: 4, maxConcurrent: 256, latencyTargetMs: 1000 });
    for (let i = 0; i < 40; i++) bound.loopLate(64, 50, 50);
    expect(bound.limit).toBe(256);
    for (let i = 0; i < 40; i++) bound.loopLate(64, 200, 50);
    expect(bound.limit).toBe(16);
    for (let i = 0; i < 40; i++) bound.loopLate(16, 1000, 50);
    expect(bound.limit).toBe(4);
  });
});
