/**
 * Admission control against a real gateway whose CRM subgraph answers slowly: far more concurrent
 * requests than it lets run are answered at once with 503, Retry-After and OVERLOADED, those admitted
 * complete, none times out; a queued request starts when a slot frees, or is refused when its wait runs
 * out; cheap requests never wait for a slot. The adaptive bound itself is exercised directly below.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devAuthHeader } from '../support/dev-token.ts';
import { useFakeSubgraph, useLoneGateway } from '../support/lone-gateway.ts';
import { ConcurrencyBound } from '../../gateway/limits/admission/concurrency-bound.ts';
import { createAdmissionControl, type Slot } from '../../gateway/limits/admission/admission-control.ts';
import { IDLE_LOOP } from '../../gateway/limits/admission/event-loop-load.ts';
import { MIN_ALLOWANCE_MS, QUEUEING_TOLERANCE, UnloadedRunTimes } from '../../gateway/limits/admission/unloaded-run-times.ts';
import { runKind } from '../../gateway/limits/admission/run-kind.ts';
import { notingSends, sentToSubgraphs } from '../../gateway/subgraph-transport/subgraph-sends.ts';
import { runInScope } from '../../subgraphs/shared/logging/request-scope.ts';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';

const QUERY = '{ customer(id: "c-1") { name } }';

/** A CRM subgraph answering every request after `delayMs`, counting the requests it is sent. */
function useSlowCrm(delayMs: number) {
  let calls = 0;
  const crm = useFakeSubgraph((req, res) => {
    req.resume();
    calls += 1;
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { customer: null } })), delayMs);
  });
  return { get url() { return crm.url; }, get calls() { return calls; } };
}

interface Answer { status: number; ms: number; requestId: string | null; retryAfter: string | null; body: { data?: unknown; errors?: { extensions: { code: string } }[] } }

/** Each request's own operation name: identical reads in flight would share one subgraph call, and this file counts the calls. */
let asked = 0;
const named = (query: string) => query.replace(/^\s*(query\b)?\s*/, `query Ask${++asked} `);

async function ask(url: string, headers: Record<string, string>, query = named(QUERY)): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) });
  const body = await res.json();
  return { status: res.status, ms: performance.now() - started, requestId: res.headers.get('x-request-id'), retryAfter: res.headers.get('retry-after'), body };
}

const codeOf = (a: Answer) => a.body.errors?.[0]?.extensions.code;

/**
 * Refusals answered at once: within 100 ms typically (the median), and every one long before a slot
 * frees (3 s). Not every one within 100 ms: on cores that 20-odd other processes share, this test
 * process is sometimes descheduled for longer than that; the bench counts the share within 100 ms.
 */
function expectPrompt(ms: number[]): void {
  const sorted = [...ms].sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]).toBeLessThan(100);
  expect(sorted.at(-1)).toBeLessThan(1000);
}

describe('far more concurrent requests than the bound', () => {
  let measured: Answer[] = [];
  const crm = useSlowCrm(3000);
  const logFile = join(mkdtempSync(join(tmpdir(), 'admission-')), 'gateway.log');
  // A fixed bound of 4 (min = max), so the count admitted is known; a request may wait 200 ms for a slot. The gateway
  // listens itself, so that every request reaches its door: on a loaded machine the acceptor in front of it would
  // refuse some of the new connections itself (gateway/acceptor/, tested on its own), and the counts below are the door's.
  const gateway = useLoneGateway(() => ({ CRM_SUBGRAPH_URL: crm.url, SUBGRAPH_TIMEOUT_MS: '10000', ADMISSION_MIN_CONCURRENT: '4', ADMISSION_MAX_CONCURRENT: '4', ADMISSION_MAX_WAIT_MS: '200', GATEWAY_ACCEPTOR: 'false' }), logFile);

  it('refuses the excess within 100 ms with 503, Retry-After and OVERLOADED, and completes every admitted one', async () => {
    const auth = await devAuthHeader();
    // One run first: the gateway learns that a run takes 3 s.
    expect((await ask(gateway.url, auth)).status).toBe(200);
    // Warm-up: slots taken and refusals answered once, so what follows is not timing first runs of code.
    const warm = await Promise.all(Array.from({ length: 8 }, () => ask(gateway.url, auth)));
    expect(warm.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 503, 503, 503, 503]);
    // An open loop, as traffic comes: one request every 10 ms, each sent whether or not the last was answered.
    const sent: Promise<Answer>[] = [];
    let anonymous: Promise<Answer> | undefined;
    for (let i = 0; i < 40; i++) {
      sent.push(ask(gateway.url, auth));
      // While every slot is taken, even a request without a token is refused before it is looked at.
      if (i === 20) anonymous = ask(gateway.url, {});
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await anonymous)!.status).toBe(503);
    expect(codeOf((await anonymous)!)).toBe('OVERLOADED');
    const answers = await Promise.all(sent);
    const admitted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    measured = refused;

    // 4 run at once; none may wait: with 4 slots freeing every 3 s, even the first in the queue would
    // start after 750 ms, past the 200 ms it may wait.
    expect(admitted).toHaveLength(4);
    for (const a of admitted) expect(a.body).toEqual({ data: { customer: null } });
    expect(crm.calls).toBe(9);
    expect(refused).toHaveLength(36);
    for (const a of refused) {
      expect(a.status).toBe(503);
      expect(a.retryAfter).toBe('1');
      expect(a.body).toEqual({ errors: [{ message: expect.stringMatching(/could not start this one soon; nothing was run\. Retry after 1 s\.$/), extensions: { code: 'OVERLOADED', retryAfter: 1 } }] });
    }
    expectPrompt(refused.map((a) => a.ms));

    // Slots are given back: the next request runs.
    const next = await ask(gateway.url, auth);
    expect(next.status).toBe(200);
  });

  it('counts the refusals by limit and logs each on its request line, answered at once from arrival', async () => {
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).toMatch(/^gateway_refusals_total\{limit="admission"\} 41$/m);
    expect(metrics).toMatch(/^gateway_admission_limit 4$/m);
    expect(metrics).toMatch(/^gateway_admission_operations\{state="running"\} 0$/m);
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.msg === 'request' && l.status === 503);
    expect(lines).toHaveLength(41);
    for (const line of lines) expect(line).toMatchObject({ path: '/graphql', outcome: 'refused', refused: 'OVERLOADED', calls: {} });
    // The open loop's refusals (the warm-up's ran code for the first time), from arrival to answer.
    const ids = new Set(measured.map((a) => a.requestId));
    const measuredLines = lines.filter((l) => ids.has(l.requestId));
    expect(measuredLines).toHaveLength(36);
    expectPrompt(measuredLines.map((l) => l.ms));
  });
});

describe('the wait for a slot', () => {
  const crm = useSlowCrm(800);
  // One slot; a request may wait up to 5 s for it: at 800 ms a run (or twice that on a loaded machine), the
  // first two behind the running one can start in time, and the queue is never so full that the door refuses.
  const gateway = useLoneGateway(() => ({ CRM_SUBGRAPH_URL: crm.url, ADMISSION_MIN_CONCURRENT: '1', ADMISSION_MAX_CONCURRENT: '1', ADMISSION_MAX_WAIT_MS: '5000', ADMISSION_LATENCY_TARGET_MS: '800' }));

  it('lets queued requests start, one by one, as the slot frees', async () => {
    const auth = await devAuthHeader();
    const answers = await Promise.all([0, 1, 2].map(() => ask(gateway.url, auth)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const [first, second, third] = answers.map((a) => a.ms).sort((a, b) => a - b);
    expect(second).toBeGreaterThan(first + 600);
    expect(third).toBeGreaterThan(second + 600);
  });

  it('never lets cheap requests wait for a slot: health, metrics and a missing token are answered at once', async () => {
    const auth = await devAuthHeader();
    let busyAnswered = false;
    const busy = Promise.all([0, 1].map(() => ask(gateway.url, auth))).finally(() => { busyAnswered = true; });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const [health, healthz, metrics, anonymous] = await Promise.all([
      fetch(new URL('/health', gateway.url)), fetch(new URL('/healthz', gateway.url)), fetch(new URL('/metrics', gateway.url)), ask(gateway.url, {}),
    ]);
    // Answered while one operation held the slot and another waited for it (1.6 s for both).
    expect(busyAnswered).toBe(false);
    expect([health.status, healthz.status, metrics.status, anonymous.status]).toEqual([200, 200, 200, 401]);
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
    const figures = await metrics.text();
    expect(figures).toMatch(/^gateway_admission_operations\{state="running"\} 1$/m);
    expect(figures).toMatch(/^gateway_admission_operations\{state="waiting"\} 1$/m);
    expect((await busy).map((a) => a.status)).toEqual([200, 200]);
  });
});

describe('a queued request whose slot does not free in time', () => {
  const crm = useSlowCrm(1500);
  // The rate prediction (100 ms a run, before any finished) lets two wait; the running one takes 1.5 s.
  const gateway = useLoneGateway(() => ({ CRM_SUBGRAPH_URL: crm.url, ADMISSION_MIN_CONCURRENT: '1', ADMISSION_MAX_CONCURRENT: '1', ADMISSION_MAX_WAIT_MS: '300', ADMISSION_LATENCY_TARGET_MS: '100' }));

  it('is refused with OVERLOADED once it has waited the max wait, not left to time out', async () => {
    const auth = await devAuthHeader();
    const answers = await Promise.all([0, 1, 2].map(() => ask(gateway.url, auth)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 503, 503]);
    for (const late of answers.filter((a) => a.status === 503)) {
      expect(codeOf(late)).toBe('OVERLOADED');
      // The wait counts from the arrival the event loop's lateness implies (admission-control.ts): a loop
      // late by a few ms on a loaded machine shortens it by twice that, never to an immediate refusal.
      expect(late.ms).toBeGreaterThanOrEqual(200);
      expect(late.ms).toBeLessThan(1000);
    }
    expect(crm.calls).toBe(1);
  });
});

describe('the adaptive bound', () => {
  const settings = { minConcurrent: 4, maxConcurrent: 256, latencyTargetMs: 400 };

  it('starts at the maximum and shrinks toward running × target / run time while operations are slower than the target', () => {
    const bound = new ConcurrencyBound(settings);
    expect(bound.limit).toBe(256);
    // 64 running, each taking 1.6 s: 16 could run at once within 400 ms.
    for (let i = 0; i < 40; i++) bound.finished(1600, 400, 64, true);
    expect(bound.limit).toBeGreaterThanOrEqual(16);
    expect(bound.limit).toBeLessThanOrEqual(17);
    expect(bound.averageRunMs).toBeCloseTo(1600);
  });

  it('never shrinks below the minimum, nor for operations slow on their own with no more than the minimum running', () => {
    const bound = new ConcurrencyBound(settings);
    for (let i = 0; i < 100; i++) bound.finished(2000, 400, 4, true);
    expect(bound.limit).toBe(256);
    for (let i = 0; i < 100; i++) bound.finished(5000, 400, 20, true);
    expect(bound.limit).toBe(4);
  });

  it('shrinks before any operation finishes when those running have been running long, and only then', () => {
    const bound = new ConcurrencyBound(settings);
    // 100 running for 100 ms on average: about 200 ms each, within the target.
    bound.stillRunning(100, 100);
    expect(bound.limit).toBe(256);
    // 100 running for 1 s on average: about 2 s each, so 20 could run within 400 ms.
    for (let i = 0; i < 40; i++) bound.stillRunning(100, 1000);
    expect(bound.limit).toBe(20);
    // No more than the minimum running: left alone.
    for (let i = 0; i < 40; i++) bound.stillRunning(4, 10_000);
    expect(bound.limit).toBe(20);
  });

  it('grows back while operations are faster than the target and the bound is full, and only then', () => {
    const bound = new ConcurrencyBound(settings);
    for (let i = 0; i < 100; i++) bound.finished(1000, 400, 10, true);
    expect(bound.limit).toBe(4);
    for (let i = 0; i < 100; i++) bound.finished(50, 400, 4, false);
    expect(bound.limit).toBe(4);
    let last = bound.limit;
    for (let i = 0; i < 20; i++) {
      bound.finished(100, 400, bound.limit, true);
      expect(bound.limit).toBeGreaterThanOrEqual(last);
      last = bound.limit;
    }
    expect(bound.limit).toBeGreaterThan(8);
  });

  it('shrinks for operations fast alone that take many times longer at once, though well within the latency target', () => {
    const bound = new ConcurrencyBound(settings);
    // Allowed 150 ms (50 ms alone × 3), taking 300 ms with 64 running: 32 would run within their allowance.
    for (let i = 0; i < 40; i++) bound.finished(300, 150, 64, true);
    expect(bound.limit).toBeGreaterThanOrEqual(32);
    expect(bound.limit).toBeLessThanOrEqual(34);
  });

  it('never shrinks while operations finish within their allowance, however few run as a burst drains', () => {
    const bound = new ConcurrencyBound(settings);
    // A burst of 60 operations of 500 ms alone (allowed 1.5 s), finishing one by one in 700 ms each.
    for (let running = 60; running >= 1; running--) bound.finished(700, 1500, running, false);
    expect(bound.limit).toBe(256);
  });
});

describe('operations still running', () => {
  it('count before they finish only while they fill the bound: slow writes lingering among fast views do not shrink it', async () => {
    let clock = 0;
    const control = createAdmissionControl({ minConcurrent: 4, maxConcurrent: 64, latencyTargetMs: 100, maxWaitMs: 50, loopDelayTargetMs: 50 }, IDLE_LOOP, () => clock);
    const take = async () => (await control.arrive()!.admit(() => false)) as Slot;
    // Ten writes, far slower than the views around them, still running 5 s later: the bound is far from full.
    const slots = await Promise.all(Array.from({ length: 10 }, take));
    clock += 5000;
    control.arrive()!.leave();
    expect(control.state().limit).toBe(64);
    // A rush fills the bound beside them: now those running count, and the bound shrinks before any finishes.
    slots.push(...await Promise.all(Array.from({ length: 54 }, take)));
    control.arrive()?.leave();
    expect(control.state().limit).toBeLessThan(64);
    slots.forEach((slot) => slot.release());
  });
});

describe('unloaded run times', () => {
  const fast = {};
  const slow = {};
  const other = {};

  it('allows each kind a few times what it took with at most one other running, never under a floor, and the latency target before that', () => {
    const times = new UnloadedRunTimes(1000);
    expect(times.allowanceMs(fast)).toBe(1000);
    expect(times.allowanceMs(undefined)).toBe(1000);
    // Runs beside many others say nothing of the unloaded time.
    times.observe(fast, 900, 40);
    expect(times.allowanceMs(fast)).toBe(1000);
    times.observe(fast, 60, 2);
    times.observe(slow, 500, 1);
    expect(times.allowanceMs(fast)).toBe(QUEUEING_TOLERANCE * 60);
    expect(times.allowanceMs(slow)).toBe(QUEUEING_TOLERANCE * 500);
    times.observe(other, 5, 1);
    expect(times.allowanceMs(other)).toBe(MIN_ALLOWANCE_MS);
    // A recent average (a kind mixes cache hits and misses), quicker to fall than to rise: a first, cold run is soon forgotten.
    for (let i = 0; i < 40; i++) times.observe(fast, 100, 1);
    expect(times.allowanceMs(fast)).toBeCloseTo(QUEUEING_TOLERANCE * 100, 0);
    const cold = {};
    times.observe(cold, 2000, 1);
    for (let i = 0; i < 4; i++) times.observe(cold, 100, 1);
    expect(times.allowanceMs(cold)).toBeLessThan(QUEUEING_TOLERANCE * 250);
  });
});

describe('run kinds: from the answer cache, or through the subgraphs', () => {
  it('judges a hot view\'s misses against its misses, not against its hits from memory', () => {
    const operation = {};
    const times = new UnloadedRunTimes(1000);
    expect(runKind(operation, false)).toBe(runKind(operation, false));
    expect(runKind(operation, true)).not.toBe(runKind(operation, false));
    expect(runKind({}, false)).not.toBe(runKind(operation, false));
    times.observe(runKind(operation, false), 4, 1);
    times.observe(runKind(operation, true), 70, 1);
    // A miss taking 180 ms beside others is within its own allowance; a hit that slow is queueing.
    expect(180 / times.allowanceMs(runKind(operation, true))).toBeLessThan(1);
    expect(180 / times.allowanceMs(runKind(operation, false))).toBeGreaterThan(1);
  });

  it('notes the requests that sent a call through the fetcher beneath the answer cache, and only those', async () => {
    const answer = { ok: true, status: 200 };
    const fetcher = notingSends((async () => answer) as unknown as RemoteGraphQLDataSource['fetcher']);
    const identity = (n: number) => ({ requestId: `r-${n}`, traceId: '0'.repeat(31) + String(n), spanId: '0'.repeat(15) + String(n), flags: '01' });
    const sender = await runInScope(identity(1), async (scope) => {
      expect(await fetcher('http://crm.test/graphql', { method: 'POST' })).toBe(answer);
      return scope;
    });
    const fromMemory = await runInScope(identity(2), async (scope) => scope);
    expect(sentToSubgraphs(sender)).toBe(true);
    expect(sentToSubgraphs(fromMemory)).toBe(false);
  });
});
