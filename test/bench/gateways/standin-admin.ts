/** The stand-ins' /__admin endpoints as the bench uses them: request counters and call traces. */
import type { TraceSpan } from '../../../upstreams/shared/standin.ts';

/** Each stand-in's base URL. */
export type StandInBases = string[];

/** Requests the stand-ins have answered so far, all endpoints together (refused credentials left out). */
export async function upstreamRequests(standIns: StandInBases): Promise<number> {
  const counters = await Promise.all(standIns.map(async (base) => (await (await fetch(`${base}/__admin/counters`)).json()) as Record<string, number>));
  return counters.flatMap((c) => Object.entries(c)).filter(([key]) => key !== 'unauthenticated').reduce((n, [, v]) => n + v, 0);
}

/** Runs `operation` with every stand-in tracing, and returns the calls it made. */
export async function traceCalls(standIns: StandInBases, operation: () => Promise<unknown>): Promise<TraceSpan[]> {
  const setTrace = (enabled: boolean) => Promise.all(standIns.map(async (base) =>
    (await (await fetch(`${base}/__admin/trace`, { method: 'POST', body: JSON.stringify({ enabled }) })).json()) as { spans: TraceSpan[] }));
  await setTrace(true);
  try {
    await operation();
    const traces = await Promise.all(standIns.map(async (base) => (await (await fetch(`${base}/__admin/trace`)).json()) as { spans: TraceSpan[] }));
    return traces.flatMap((t) => t.spans);
  } finally {
    await setTrace(false);
  }
}
