/**
 * One timed phase: `clients` closed loops (each sends its next request when the last one is answered)
 * and, optionally, one heavy client looping on its request; all stop by themselves after the duration.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { send, type GraphQLRequest } from './request.ts';
import { cpuSeconds } from './cpu.ts';
import type { RssSampler } from './rss.ts';
import { Tally } from './tally.ts';

const REQUEST_TIMEOUT_MS = 30_000;
const HEAVY_TIMEOUT_MS = 60_000;
const PROGRESS_EVERY_MS = 5_000;

export interface PhaseOptions {
  name: string;
  url: string;
  durationMs: number;
  /** One token per client (each its own subject). */
  clientTokens: string[];
  /** The request client `client` sends as its `n`th. */
  nextRequest(client: number, n: number): GraphQLRequest;
  heavy?: { token: string; query: string };
  rss: RssSampler;
  /** Processes whose CPU use to report, by name. */
  processes: Record<string, number>;
  log(line: string): void;
}

export interface PhaseResult {
  name: string;
  clients: Tally;
  heavy: Tally | null;
  /** From the start until the last client's last answer. */
  elapsedS: number;
  peakRssBytes: number | null;
  /** How long the heavy client's request cut off by the end of the phase had been running, if one was. */
  heavyCutOffMs: number | null;
  /** CPU time each process used during the phase, in % of one core (100 = one core busy throughout). */
  cpuPercent: Record<string, number | null>;
}

export async function runPhase(options: PhaseOptions): Promise<PhaseResult> {
  const { url, durationMs } = options;
  const clients = new Tally();
  const heavy = options.heavy ? new Tally() : null;
  let heavyCutOffMs: number | null = null;
  const started = performance.now();
  const end = started + durationMs;
  // Aborts the heavy client's request in flight at the end (a plain abort, told apart from its own timeout).
  const ending = new AbortController();
  const endTimer = setTimeout(() => ending.abort(), durationMs);
  const phaseOver = ending.signal;
  options.rss.resetPeak();
  const cpuAtStart = Object.entries(options.processes).map(([name, pid]) => [name, pid, cpuSeconds(pid)] as const);

  const progress = setInterval(() => {
    const seconds = Math.round((performance.now() - started) / 1000);
    const heavyPart = heavy ? ` | heavy: ${heavy.requests} done, ${heavy.rateLimited} × 429` : '';
    options.log(`  [${options.name} ${seconds} s] ${clients.requests} requests, ${clients.errors} errors, ${clients.rateLimited} × 429${heavyPart}`);
  }, PROGRESS_EVERY_MS);

  const clientLoop = async (client: number) => {
    for (let n = 0; performance.now() < end; n++) {
      clients.record(await send(url, options.clientTokens[client], options.nextRequest(client, n), AbortSignal.timeout(REQUEST_TIMEOUT_MS)));
    }
  };
  const heavyLoop = async (token: string, query: string, tally: Tally) => {
    while (!phaseOver.aborted) {
      const outcome = await send(url, token, { query }, AbortSignal.any([phaseOver, AbortSignal.timeout(HEAVY_TIMEOUT_MS)]));
      // The request cut off by the end of the phase is not a result (its running time is reported apart).
      if (phaseOver.aborted && outcome.codes.includes('ABORTED')) {
        heavyCutOffMs = outcome.latencyMs;
        break;
      }
      tally.record(outcome);
      // Past its budget it waits as told (a client hammering 429s would measure the load generator instead).
      if (outcome.status === 429) await sleep((outcome.retryAfterS ?? 1) * 1000, undefined, { signal: phaseOver }).catch(() => undefined);
    }
  };

  await Promise.all([
    ...options.clientTokens.map((_, client) => clientLoop(client)),
    ...(options.heavy && heavy ? [heavyLoop(options.heavy.token, options.heavy.query, heavy)] : []),
  ]);
  clearInterval(progress);
  clearTimeout(endTimer);
  const elapsedS = (performance.now() - started) / 1000;
  const cpuPercent = Object.fromEntries(cpuAtStart.map(([name, pid, before]) => {
    const after = cpuSeconds(pid);
    return [name, before === null || after === null ? null : (100 * (after - before)) / elapsedS];
  }));
  return { name: options.name, clients, heavy, elapsedS, peakRssBytes: options.rss.peakBytes(), heavyCutOffMs, cpuPercent };
}
