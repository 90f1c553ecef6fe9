/** `--soak N`: S2 on one gateway for N seconds with its resident memory sampled, to see whether it stays flat. */
import { sampleRss } from '../../load/rss.ts';
import { runPass } from './pass.ts';
import type { Scenario } from './scenarios.ts';
import type { RunningGatewayProcess } from './topology.ts';

const SAMPLES = 20;

export interface SoakResult {
  /** [seconds since the start, RSS in bytes] */
  samples: [number, number][];
  ops: number;
  errors: number;
}

export async function runSoak(options: { gateway: RunningGatewayProcess; scenario: Scenario; tokens: string[]; durationMs: number }): Promise<SoakResult> {
  const rss = sampleRss(options.gateway.pid, 1000);
  const samples: [number, number][] = [];
  const started = performance.now();
  const record = () => {
    const now = rss.currentBytes();
    if (now !== null) samples.push([Math.round((performance.now() - started) / 1000), now]);
  };
  record();
  const timer = setInterval(record, Math.max(1000, options.durationMs / SAMPLES));
  const pass = await runPass({ gateway: options.gateway, scenario: options.scenario, clients: options.tokens.length, durationMs: options.durationMs, tokens: options.tokens, standIns: [] });
  clearInterval(timer);
  record();
  rss.stop();
  return { samples, ops: pass.ops, errors: pass.ops - pass.ok };
}

export function formatSoak(r: SoakResult): string {
  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)}`;
  const series = r.samples.map(([s, bytes]) => `${s}s:${mb(bytes)}`).join(' ');
  const values = r.samples.map(([, b]) => b);
  return `  RSS (MB) over time: ${series}\n  min ${mb(Math.min(...values))} MB, max ${mb(Math.max(...values))} MB, last ${mb(values.at(-1)!)} MB; ${r.ops} operations, ${r.errors} errors`;
}
