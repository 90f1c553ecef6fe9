/**
 * `npm run bench [-- gateways] [options]`: this gateway side by side with a plain @apollo/gateway (and,
 * with --peer hive, Hive Gateway) over the same subgraphs and stand-ins, every part in its own process,
 * upstream latency injected. Per scenario, interleaved passes (ours, baseline[, hive], ours, …); prints
 * one table per scenario; --quick also writes bench/results/latest.json. A script printing figures, not
 * a test: on shared cores figures vary between runs, so compare only within one run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { devToken, ALL_SCOPES } from '../../support/dev-token.ts';
import { aggregate } from './aggregate.ts';
import { criticalPath } from './critical-path.ts';
import { latencyAlone, type AloneLatency } from './alone.ts';
import { readGatewayBenchOptions, USAGE, type GatewayBenchOptions } from './options.ts';
import { post, runPass, type PassResult } from './pass.ts';
import { formatScenario, type ScenarioReport } from './report.ts';
import { ReadAfterWrite, type HotCustomer } from './read-after-write.ts';
import { writeResults, type ScenarioResult } from './results.ts';
import { HOT_SET, mixedScenario, pageScenario, viewScenario, type Scenario } from './scenarios.ts';
import { traceCalls } from './standin-admin.ts';
import { startTopology, type GatewayKind, type RunningGatewayProcess, type Topology } from './topology.ts';
import { runOverload, formatOverload } from './overload.ts';
import { runSoak, formatSoak } from './soak.ts';

const RESULTS_PATH = fileURLToPath(new URL('../../../bench/results/latest.json', import.meta.url));
const WARM_UP_OPS = 3;
/** Operations per scenario and gateway of the one-client latency (alone.ts). */
const ALONE_OPS = 100;
const ALONE_OPS_QUICK = 30;

export async function benchGateways(args: string[]): Promise<void> {
  let options: GatewayBenchOptions;
  try {
    options = readGatewayBenchOptions(args);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'bench-gateways-'));
  const kinds: GatewayKind[] = options.hive ? ['ours', 'baseline', 'hive'] : ['ours', 'baseline'];
  console.log(`Starting 4 stand-ins (${options.latencyMs} ms per upstream call), 5 subgraphs and ${kinds.length} gateways, each its own process…`);
  const startedAt = performance.now();
  const topology = await startTopology(kinds, options.latencyMs, {
    SYNC_DB_PATH: join(scratch, 'gateway.db'), AUDIT_DB_PATH: join(scratch, 'audit.db'), RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'warn',
  });
  try {
    console.log(`  ready after ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    await run(options, topology, kinds);
    console.log(`\nWhole run ${((performance.now() - startedAt) / 1000).toFixed(0)} s, start-up included.`);
  } finally {
    await topology.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function run(options: GatewayBenchOptions, topology: Topology, kinds: GatewayKind[]): Promise<void> {
  const standIns = Object.values(topology.standIns).map((s) => s.base);
  const clients = Math.max(options.pageClients, options.viewClients);
  // One subject per client: the project's gateway budgets cost per subject, as it would for real callers.
  const tokens = await Promise.all(Array.from({ length: clients }, (_, i) => devToken(ALL_SCOPES, { subject: `bench-client-${i + 1}`, clientId: 'bench' })));
  const ours = topology.gateways.find((g) => g.kind === 'ours')!;
  const hot = await hotSet(ours.url, tokens[0]);
  const tracker = new ReadAfterWrite(hot);
  const scenarios: { scenario: Scenario; clients: number }[] = [
    { scenario: pageScenario(), clients: options.pageClients },
    { scenario: viewScenario(hot), clients: options.viewClients },
    { scenario: mixedScenario(tracker), clients: options.viewClients },
  ];

  console.log(`Warm-up (${WARM_UP_OPS} operations per scenario and gateway, not counted) and one traced operation each…`);
  const levels = new Map<string, Partial<Record<GatewayKind, number>>>();
  const chains = new Map<string, string>();
  for (const { scenario } of scenarios) {
    const perGateway: Partial<Record<GatewayKind, number>> = {};
    for (const gateway of topology.gateways) {
      for (let i = 0; i < WARM_UP_OPS; i++) await sendOne(gateway, scenario, tokens[0]);
      // S3's traced operation is a read (its writes go through the sync subgraph's own path).
      const traced = scenario.name === 'S3' ? scenarios[1].scenario : scenario;
      const path = criticalPath(await traceCalls(standIns, () => sendOne(gateway, traced, tokens[0])));
      perGateway[gateway.kind] = path.levels;
      if (gateway.kind === 'ours') chains.set(scenario.name, path.chain.map((span) => `${span.standIn} ${span.endpoint}`).join(' → '));
    }
    levels.set(scenario.name, perGateway);
  }

  const aloneOps = options.quick ? ALONE_OPS_QUICK : ALONE_OPS;
  const alone = new Map<string, Partial<Record<GatewayKind, AloneLatency>>>();
  const passes = new Map<string, PassResult[]>();
  const bar = new SingleBar({ format: '{bar} {percentage}% | {pass} | ETA {eta_formatted}', etaBuffer: 50, hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 });
  const totalS = scenarios.length * options.rounds * kinds.length * options.passS;
  bar.start(totalS, 0, { pass: '' });
  let doneS = 0;
  for (const { scenario, clients: n } of scenarios) {
    for (let round = 1; round <= options.rounds; round++) {
      for (const gateway of topology.gateways) {
        bar.update(doneS, { pass: `${scenario.name} round ${round}/${options.rounds}: ${gateway.kind}` });
        const passStart = performance.now();
        const tick = setInterval(() => bar.update(doneS + Math.min(options.passS, (performance.now() - passStart) / 1000)), 250);
        const result = await runPass({ gateway, scenario, clients: n, durationMs: options.passS * 1000, tokens, standIns });
        clearInterval(tick);
        doneS += options.passS;
        const key = `${scenario.name} ${gateway.kind}`;
        passes.set(key, [...(passes.get(key) ?? []), result]);
      }
    }
    // Right after the scenario's passes: every process warm, its caches as the scenario keeps them.
    bar.update(doneS, { pass: `${scenario.name}: one client alone` });
    alone.set(scenario.name, await latencyAlone(topology.gateways, scenario, tokens[0], aloneOps));
  }
  bar.update(totalS, { pass: 'done' });
  bar.stop();

  console.log(`\nUpstream latency ${options.latencyMs} ms per call; ${options.rounds} interleaved rounds of ${options.passS} s per gateway and scenario;`);
  console.log(`after each scenario's passes, ${aloneOps} of its operations per gateway from one client alone, one gateway after the other.`);
  console.log('Baseline: plain @apollo/gateway 2.14 + @apollo/server 5 with no plugins and no cache; it signs the subgraphs\' internal tokens');
  console.log('(every scope) and does NO authentication, field authorization, cost limits or audit. This gateway runs with all of them on.');
  if (options.hive) console.log('Hive Gateway 2.15 with its defaults (it merges identical concurrent subgraph requests), the same internal tokens, no authorization.');
  console.log('Columns: answered ops/s; latency percentiles (ms); bound = critical-path bound (ms); upstream requests per operation;');
  console.log('gateway CPU per operation and peak resident memory, of the gateway process with its acceptor; throughput × the baseline\'s.\n');
  const reports: ScenarioReport[] = scenarios.map(({ scenario, clients: n }) => ({
    name: scenario.name, description: scenario.description, clients: n, levels: levels.get(scenario.name)!, chain: chains.get(scenario.name) ?? '', alone: alone.get(scenario.name)!,
    figures: Object.fromEntries(kinds.map((kind) => [kind, aggregate(passes.get(`${scenario.name} ${kind}`) ?? [])])),
  }));
  for (const report of reports) console.log(`${formatScenario(report, options.latencyMs)}\n`);
  const refused = Object.entries(tracker.writesRefused).map(([code, n]) => `${n} ${code}`).join(', ') || 'none';
  console.log(`S3: ${tracker.writesApplied} writes answered with the customer; not: ${refused}; ${tracker.checked} reads checked against an answered write, ${tracker.stale} stale.`);

  if (options.overload) {
    for (const gateway of topology.gateways) {
      const sustainable = reports[1].figures[gateway.kind]!.rps;
      console.log(formatOverload(gateway.kind, await runOverload({ gateway, scenario: scenarios[1].scenario, tokens, rate: 4 * sustainable, durationMs: options.passS * 1000 * 2 })));
    }
  }
  if (options.soakS > 0) {
    console.log(`\nSoak: S2 on this gateway for ${options.soakS} s, ${options.viewClients} clients…`);
    console.log(formatSoak(await runSoak({ gateway: ours, scenario: scenarios[1].scenario, tokens: tokens.slice(0, options.viewClients), durationMs: options.soakS * 1000 })));
  }
  if (options.quick) {
    writeResults(RESULTS_PATH, { scenarios: reports.map((r) => scenarioResult(r, options.latencyMs)) });
    console.log(`\nWrote ${RESULTS_PATH}`);
  }
}

function scenarioResult(report: ScenarioReport, latencyMs: number): ScenarioResult {
  const ours = report.figures.ours!;
  const baseline = report.figures.baseline!;
  const round = (n: number, digits = 1) => Number(n.toFixed(digits));
  return {
    name: report.name,
    rps: round(ours.rps),
    baselineRps: round(baseline.rps),
    ratio: round(baseline.rps === 0 ? 0 : ours.rps / baseline.rps, 2),
    p50Ms: round(ours.p50Ms),
    p99Ms: round(ours.p99Ms),
    aloneP50Ms: round(report.alone.ours?.p50Ms ?? 0),
    criticalPathMs: (report.levels.ours ?? 0) * latencyMs,
    upstreamCallsPerOp: round(ours.upstreamCallsPerOp, 2),
    staleReads: ours.stale,
  };
}

/** The first customers with their versions (S2's and S3's hot set, the replicas bench's written customers). */
export async function hotSet(url: string, token: string): Promise<HotCustomer[]> {
  const answer = await post(url, token, { query: HOT_SET });
  const edges = (answer.body as { data?: { customers?: { edges: { node: HotCustomer }[] } } } | null)?.data?.customers?.edges;
  if (!edges?.length) throw new Error(`The hot set query failed (${answer.code ?? answer.status}).`);
  return edges.map((e) => e.node);
}

/** One operation of `scenario`, answered and settled (warm-up). */
export async function sendOne(gateway: RunningGatewayProcess, scenario: Scenario, token: string): Promise<void> {
  const op = scenario.next();
  op.settle((await post(gateway.url, token, op.request)).body);
}
