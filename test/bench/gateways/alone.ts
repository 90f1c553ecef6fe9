/**
 * Latency with nothing else in flight: one client sends a scenario's operations one after another, to
 * one gateway at a time (another gateway's operations in between would leave its processes' tails,
 * collections and logging, on the shared cores). What a pass of many clients reports as p50 is mostly
 * queueing for the cores; this is the latency to set beside the critical-path bound (the least time
 * the upstream calls alone take).
 */
import type { Scenario } from './scenarios.ts';
import type { GatewayKind, RunningGatewayProcess } from './topology.ts';
import { post } from './pass.ts';
import { percentile } from './stats.ts';

const SETTLE_MS = 500;

export interface AloneLatency {
  ops: number;
  p50Ms: number;
  p95Ms: number;
}

export async function latencyAlone(gateways: readonly RunningGatewayProcess[], scenario: Scenario, token: string, opsEach: number): Promise<Partial<Record<GatewayKind, AloneLatency>>> {
  const latencies = new Map<GatewayKind, number[]>(gateways.map((g) => [g.kind, []]));
  for (const gateway of gateways) {
    // The last pass's (or gateway's) work finished before the first operation is timed.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    for (let i = 0; i < opsEach; i++) {
      const op = scenario.next();
      const answer = await post(gateway.url, token, op.request);
      op.settle(answer.body);
      // Only answered operations: a refusal (there should be none with one client) is not a latency.
      if (answer.status !== 503 && answer.status !== 429) latencies.get(gateway.kind)!.push(answer.latencyMs);
    }
  }
  return Object.fromEntries([...latencies].map(([kind, ms]) => [kind, { ops: ms.length, p50Ms: percentile(ms, 50) ?? 0, p95Ms: percentile(ms, 95) ?? 0 }]));
}
