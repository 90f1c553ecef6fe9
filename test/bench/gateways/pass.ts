/**
 * One measured pass: `clients` closed loops (each sends its next operation when the last one is answered)
 * against one gateway, or several in turn, for a duration, with what it cost: the stand-ins' request
 * counters, the gateway processes' CPU time (/proc/<pid>/stat) and their peak resident memory over the pass.
 */
import { keepAliveFetcher } from '../../../gateway/subgraph-transport/http-fetcher.ts';
import { cpuSeconds } from '../../load/cpu.ts';
import { sampleRss } from '../../load/rss.ts';
import type { Scenario } from './scenarios.ts';
import type { RunningGatewayProcess } from './topology.ts';
import { upstreamRequests, type StandInBases } from './standin-admin.ts';

const REQUEST_TIMEOUT_MS = 30_000;

export interface PassResult {
  ops: number;
  ok: number;
  /** Answers with errors (or none at all), by first error code: { UPSTREAM_UNAVAILABLE: 3, HTTP_429: 2 }. */
  errors: Record<string, number>;
  stale: number;
  latenciesMs: number[];
  elapsedS: number;
  upstreamCalls: number;
  /** Of the gateway processes together; null where /proc cannot be read. */
  cpuS: number | null;
  /** The sum of each gateway process's peak. */
  peakRssBytes: number | null;
}

export interface PassOptions {
  /** Several: each request goes to the next in turn (round-robin, as a load balancer sends them). */
  gateway: RunningGatewayProcess | readonly RunningGatewayProcess[];
  scenario: Scenario;
  clients: number;
  durationMs: number;
  /** A token per client (the project's gateway budgets per subject; the baselines ignore it). */
  tokens: string[];
  standIns: StandInBases;
  /** Called after each answer (for a progress bar). */
  onAnswer?(): void;
}

export async function runPass(options: PassOptions): Promise<PassResult> {
  const { scenario } = options;
  const gateways = [options.gateway].flat();
  const rss = gateways.map((g) => sampleRss(g.pid));
  await openConnections(gateways, options.tokens.slice(0, options.clients));
  const upstreamBefore = await upstreamRequests(options.standIns);
  const cpuBefore = cpuOf(gateways);
  let turn = 0;
  const result: PassResult = { ops: 0, ok: 0, errors: {}, stale: 0, latenciesMs: [], elapsedS: 0, upstreamCalls: 0, cpuS: null, peakRssBytes: null };
  const started = performance.now();
  const end = started + options.durationMs;

  const client = async (token: string) => {
    while (performance.now() < end) {
      const op = scenario.next();
      const answer = await post(gateways[turn++ % gateways.length].url, token, op.request);
      // Shed at the door (503 OVERLOADED or 429 RATE_LIMITED, with Retry-After): listed with the errors, not
      // counted as an answered operation, and the client waits as told, as a well-behaved one does (else it
      // would spin on refusals, each counted as a fast answer).
      if ((answer.status === 503 || answer.status === 429) && answer.retryAfterS !== null) {
        result.errors[answer.code ?? `HTTP_${answer.status}`] = (result.errors[answer.code ?? `HTTP_${answer.status}`] ?? 0) + 1;
        op.settle(answer.body);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.min(answer.retryAfterS! * 1000, end - performance.now()))));
        continue;
      }
      result.ops += 1;
      result.latenciesMs.push(answer.latencyMs);
      if (answer.code === null) result.ok += 1;
      else result.errors[answer.code] = (result.errors[answer.code] ?? 0) + 1;
      if (!op.settle(answer.body)) result.stale += 1;
      options.onAnswer?.();
    }
  };
  await Promise.all(options.tokens.slice(0, options.clients).map(client));
  result.elapsedS = (performance.now() - started) / 1000;
  const cpuAfter = cpuOf(gateways);
  result.cpuS = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
  result.upstreamCalls = (await upstreamRequests(options.standIns)) - upstreamBefore;
  const peaks = rss.map((r) => r.peakBytes());
  result.peakRssBytes = peaks.includes(null) ? null : peaks.reduce((a, b) => a! + b!, 0);
  rss.forEach((r) => r.stop());
  return result;
}

/**
 * Before the clock starts, each client's keep-alive connection to each gateway is open (one `{ __typename }`
 * each, all at once), as a gateway's clients hold theirs. Node accepts one new connection per turn of its
 * event loop, so 200 clients connecting to a gateway already busy with the first ones' requests would
 * wait seconds in its accept queue, and a pass would time that instead of the gateway (gateways that
 * close idle connections after Node's default 5 s would pay it at every pass).
 */
async function openConnections(gateways: readonly RunningGatewayProcess[], tokens: readonly string[]): Promise<void> {
  await Promise.all(gateways.flatMap((gateway) => tokens.map((token) => post(gateway.url, token, { query: '{ __typename }' }))));
}

/** CPU seconds of these processes together so far; null if any cannot be read. */
export function cpuOf(processes: readonly { pid: number }[]): number | null {
  const each = processes.map((p) => cpuSeconds(p.pid));
  return each.includes(null) ? null : each.reduce((a, b) => a! + b!, 0);
}

export interface Answer {
  latencyMs: number;
  status: number;
  /** null for an answer with data and no errors; else the first error's code, HTTP_<status>, TIMEOUT or NETWORK. */
  code: string | null;
  /** The Retry-After header's seconds, when the answer had one. */
  retryAfterS: number | null;
  body: unknown;
}

/**
 * The load generator's connections: the gateway's own keep-alive node:http fetcher, one per timeout.
 * Node's fetch (undici) costs the generator about twice the CPU per request, and on this machine the
 * generator shares the cores with what it measures: its own lateness would count as the gateways'.
 * Its clients keep every connection they opened (the overload pass has up to 4,000 requests out): with
 * Node's default of 256 idle connections kept, each burst of answers closed the rest, and the requests
 * after it opened them again, about twice the CPU per request for the generator and for the acceptor.
 */
const MAX_IDLE_CONNECTIONS = 4_096;
const fetchers = new Map<number, ReturnType<typeof keepAliveFetcher>>();
const fetcherFor = (timeoutMs: number) => {
  let fetcher = fetchers.get(timeoutMs);
  if (!fetcher) fetchers.set(timeoutMs, (fetcher = keepAliveFetcher(timeoutMs, { maxFreeSockets: MAX_IDLE_CONNECTIONS })));
  return fetcher;
};

/** One GraphQL POST; never throws (a timeout or a network failure is an answer with status 0). */
export async function post(url: string, token: string, request: object, timeoutMs = REQUEST_TIMEOUT_MS): Promise<Answer> {
  const started = performance.now();
  try {
    const res = await fetcherFor(timeoutMs)(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const text = await res.text();
    // To the answer's last byte: the client's own parsing of it is not the gateway's latency.
    const latencyMs = performance.now() - started;
    let body: { data?: unknown; errors?: { extensions?: { code?: string } }[] } | null = null;
    try { body = JSON.parse(text); } catch { /* not JSON: judged by status */ }
    const firstCode = body?.errors?.[0] ? String(body.errors[0].extensions?.code ?? 'NO_CODE') : null;
    const code = res.status !== 200 ? (firstCode ?? `HTTP_${res.status}`) : body?.data == null && !firstCode ? 'NO_DATA' : firstCode;
    const retryAfter = res.headers.get('retry-after');
    return { latencyMs, status: res.status, code, retryAfterS: retryAfter === null ? null : Number(retryAfter), body };
  } catch (err) {
    return { latencyMs: performance.now() - started, status: 0, code: (err as Error).name === 'TimeoutError' ? 'TIMEOUT' : 'NETWORK', retryAfterS: null, body: null };
  }
}
