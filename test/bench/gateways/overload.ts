/**
 * `--overload`: an open loop (requests sent on a clock, whether or not earlier ones were answered) at a
 * fixed rate, e.g. 4× the rate a gateway sustained in S2. Counts how the excess was handled: refused fast
 * (429 or 503 within 100 ms, as the target asks), refused slowly, timed out, or answered.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { post } from './pass.ts';
import type { Scenario } from './scenarios.ts';
import { percentile } from './stats.ts';
import type { RunningGatewayProcess } from './topology.ts';

const FAST_REFUSAL_MS = 100;
/**
 * The most requests the load generator keeps in flight at once: each holds a socket, and past the process's
 * file descriptors (20,000 here) and the loopback's ephemeral ports (about 28,000) its own sends fail, which
 * would be counted against the gateway. A request due while this many are out is not sent, and counted so.
 */
const MAX_IN_FLIGHT = 4000;
/** Longer than the gateways' own subgraph timeouts (10 s for this one), so theirs fire first. */
const CLIENT_TIMEOUT_MS = 15_000;
/** Codes a gateway answers with when a subgraph or upstream call timed out. */
const TIMEOUT_CODES = new Set(['TIMEOUT', 'UPSTREAM_UNAVAILABLE', 'GATEWAY_TIMEOUT']);

export interface OverloadResult {
  rate: number;
  sent: number;
  ok: number;
  refusedFast: number;
  refusedSlow: number;
  timeouts: number;
  otherErrors: number;
  okP99Ms: number | null;
  /** Requests due while MAX_IN_FLIGHT were out: the generator's limit, not the gateway's answer. */
  notSent: number;
  /** The rate at which requests were actually sent (the generator's CPU may fall behind the clock). */
  sentRate: number;
  /**
   * How late the generator's own event loop ran (p99, ms): every latency it measures, a refusal's too,
   * includes up to that much of its own, on the cores it shares with what it measures.
   */
  generatorLateP99Ms: number;
}

export async function runOverload(options: { gateway: RunningGatewayProcess; scenario: Scenario; tokens: string[]; rate: number; durationMs: number }): Promise<OverloadResult> {
  const result: OverloadResult = { rate: options.rate, sent: 0, ok: 0, refusedFast: 0, refusedSlow: 0, timeouts: 0, otherErrors: 0, okP99Ms: null, notSent: 0, sentRate: 0, generatorLateP99Ms: 0 };
  const lateness = monitorEventLoopDelay({ resolution: 10 });
  lateness.enable();
  const okLatencies: number[] = [];
  const inFlight: Promise<void>[] = [];
  let outstanding = 0;
  const intervalMs = 1000 / Math.max(0.1, options.rate);
  const started = performance.now();
  for (let n = 0; performance.now() - started < options.durationMs; n++) {
    const due = started + n * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (outstanding >= MAX_IN_FLIGHT) {
      result.notSent += 1;
      continue;
    }
    const op = options.scenario.next();
    result.sent += 1;
    outstanding += 1;
    inFlight.push(post(options.gateway.url, options.tokens[n % options.tokens.length], op.request, CLIENT_TIMEOUT_MS).then((answer) => {
      outstanding -= 1;
      op.settle(answer.body);
      if (answer.code === null) {
        result.ok += 1;
        okLatencies.push(answer.latencyMs);
      } else if (answer.status === 429 || answer.status === 503) {
        if (answer.latencyMs <= FAST_REFUSAL_MS) result.refusedFast += 1;
        else result.refusedSlow += 1;
      } else if (TIMEOUT_CODES.has(answer.code)) result.timeouts += 1;
      else result.otherErrors += 1;
    }));
  }
  result.sentRate = result.sent / ((performance.now() - started) / 1000);
  await Promise.all(inFlight);
  lateness.disable();
  // The histogram counts from each tick's due time, resolution included.
  result.generatorLateP99Ms = Math.max(0, lateness.percentile(99) / 1e6 - 10);
  result.okP99Ms = percentile(okLatencies, 99);
  return result;
}

export function formatOverload(kind: string, r: OverloadResult): string {
  const notSent = r.notSent ? `; not sent, the generator at its ${MAX_IN_FLIGHT} in flight: ${r.notSent}` : '';
  return `Overload (${kind}): ${r.sent} S2 requests at ${r.rate.toFixed(1)}/s (4× its S2 rate; sent at ${r.sentRate.toFixed(1)}/s): ${r.ok} answered (p99 ${r.okP99Ms === null ? 'n/a' : r.okP99Ms.toFixed(0)} ms), `
    + `${r.refusedFast} refused within ${FAST_REFUSAL_MS} ms, ${r.refusedSlow} refused later, ${r.timeouts} timeouts, ${r.otherErrors} other errors${notSent}; `
    + `the generator's own loop late by up to ${r.generatorLateP99Ms.toFixed(0)} ms (p99), counted in every latency it measured`;
}
