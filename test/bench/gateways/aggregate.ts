/** One gateway's passes of one scenario added up into the figures the report prints. */
import type { PassResult } from './pass.ts';
import { percentile } from './stats.ts';

export interface GatewayFigures {
  ops: number;
  ok: number;
  errors: Record<string, number>;
  stale: number;
  /** Answered operations per second (errors included: they are listed beside). */
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  upstreamCallsPerOp: number;
  cpuMsPerOp: number | null;
  peakRssBytes: number | null;
}

export function aggregate(passes: readonly PassResult[]): GatewayFigures {
  const sum = (f: (p: PassResult) => number) => passes.reduce((n, p) => n + f(p), 0);
  const ops = sum((p) => p.ops);
  const latencies = passes.flatMap((p) => p.latenciesMs);
  const errors: Record<string, number> = {};
  for (const p of passes) for (const [code, n] of Object.entries(p.errors)) errors[code] = (errors[code] ?? 0) + n;
  const cpuKnown = passes.every((p) => p.cpuS !== null);
  const rss = passes.map((p) => p.peakRssBytes).filter((b): b is number => b !== null);
  return {
    ops,
    ok: sum((p) => p.ok),
    errors,
    stale: sum((p) => p.stale),
    rps: ops / Math.max(1e-9, sum((p) => p.elapsedS)),
    p50Ms: percentile(latencies, 50) ?? 0,
    p95Ms: percentile(latencies, 95) ?? 0,
    p99Ms: percentile(latencies, 99) ?? 0,
    upstreamCallsPerOp: ops === 0 ? 0 : sum((p) => p.upstreamCalls) / ops,
    cpuMsPerOp: cpuKnown && ops > 0 ? (1000 * sum((p) => p.cpuS!)) / ops : null,
    peakRssBytes: rss.length === 0 ? null : Math.max(...rss),
  };
}
