/**
 * `npm run bench -- cpu [--scenario S1|S2|S3] [--duration 20] [--clients N] [--latency 20] [--baseline] [--profile] [--top 12]`:
 * the bench topology (every stand-in, subgraph and gateway its own process), one closed-loop pass of a
 * scenario on this gateway (and, with --baseline, one on the plain @apollo/gateway over its uncached
 * subgraphs), and the CPU each process spent per answered operation (/proc/<pid>/stat): figures the shared
 * machine distorts less than throughput. --profile starts every process under `node --cpu-prof` and prints,
 * per process, where its busy time within the pass went (by module and by function, self time).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { devToken, ALL_SCOPES } from '../support/dev-token.ts';
import { cpuSeconds } from '../load/cpu.ts';
import { post, runPass } from './gateways/pass.ts';
import { mixedScenario, pageScenario, viewScenario, type Scenario } from './gateways/scenarios.ts';
import { ReadAfterWrite } from './gateways/read-after-write.ts';
import { hotSet } from './gateways/index.ts';
import { startTopology, type RunningGatewayProcess, type RunningProcess } from './gateways/topology.ts';
import { summarizeProfile } from './cpu-profile.ts';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
const WARM_UP_OPS = 5;

export async function benchCpu(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      scenario: { type: 'string', default: 'S1' },
      duration: { type: 'string', default: '20' },
      clients: { type: 'string' },
      latency: { type: 'string', default: '20' },
      baseline: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      top: { type: 'string', default: '15' },
    },
  });
  if (!['S1', 'S2', 'S3'].includes(values.scenario)) throw new Error(`--scenario must be S1, S2 or S3: ${values.scenario}`);
  const clients = Number(values.clients ?? (values.scenario === 'S1' ? 4 : 32));
  const durationMs = Number(values.duration) * 1000;
  const scratch = mkdtempSync(join(tmpdir(), 'bench-cpu-'));
  const profileDir = join(scratch, 'profiles');
  // The gateways from their sources under tsx, not bundled as in the other benches: the profiles then name the project's files.
  const topology = await startTopology(values.baseline ? ['ours', 'baseline'] : ['ours'], Number(values.latency), {
    SYNC_DB_PATH: join(scratch, 'gateway.db'), AUDIT_DB_PATH: join(scratch, 'audit.db'), RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'warn', COST_BUDGET_PER_MINUTE: String(1e9),
  }, { gateways: 'source', nodeArgs: (name) => values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, name)}`] : [] });
  const windows: { gateway: string; processes: RunningProcess[]; fromUs: number; toUs: number }[] = [];
  try {
    const tokens = await Promise.all(Array.from({ length: clients }, (_, i) => devToken(ALL_SCOPES, { subject: `bench-client-${i + 1}`, clientId: 'bench' })));
    const standIns = Object.values(topology.standIns);
    for (const gateway of topology.gateways) {
      const scenario = values.scenario === 'S1' ? pageScenario()
        : values.scenario === 'S2' ? viewScenario(await hotSet(gateway.url, tokens[0]))
        : mixedScenario(new ReadAfterWrite(await hotSet(gateway.url, tokens[0])));
      for (let i = 0; i < WARM_UP_OPS; i++) await post(gateway.url, tokens[0], scenario.next().request);
      const processes = [gateway, ...(gateway.kind === 'ours' ? Object.values(topology.subgraphs) : [...topology.peerSubgraphs, topology.subgraphs.sync]), ...standIns];
      const before = processes.map((p) => cpuSeconds(p.pid) ?? NaN);
      const fromUs = Number(process.hrtime.bigint() / 1000n);
      const result = await runPass({ gateway, scenario, clients, durationMs, tokens, standIns: standIns.map((s) => s.base) });
      const toUs = Number(process.hrtime.bigint() / 1000n);
      const after = processes.map((p) => cpuSeconds(p.pid) ?? NaN);
      windows.push({ gateway: gateway.kind, processes, fromUs, toUs });
      printPass(gateway, scenario, clients, result, processes, before, after);
    }
  } finally {
    await topology.stop();
  }
  if (values.profile) printProfiles(profileDir, windows, Number(values.top));
  rmSync(scratch, { recursive: true, force: true });
}

function printPass(gateway: RunningGatewayProcess, scenario: Scenario, clients: number, result: Awaited<ReturnType<typeof runPass>>, processes: RunningProcess[], before: number[], after: number[]): void {
  const errors = Object.entries(result.errors).map(([code, n]) => `${n} ${code}`).join(', ') || 'none';
  console.log(`\n${scenario.name} on ${gateway.kind}: ${result.ops} operations in ${result.elapsedS.toFixed(1)} s (${(result.ops / result.elapsedS).toFixed(1)}/s), ${clients} clients; errors: ${errors}; ${result.stale} stale reads; ${(result.upstreamCalls / Math.max(1, result.ops)).toFixed(2)} upstream requests/op`);
  console.log('  process        cpu s   ms/op   % of a core');
  let total = 0;
  processes.forEach((p, i) => {
    const cpu = after[i] - before[i];
    total += cpu;
    console.log(`  ${p.name.padEnd(12)} ${cpu.toFixed(2).padStart(7)} ${((1000 * cpu) / Math.max(1, result.ops)).toFixed(1).padStart(7)} ${((100 * cpu) / result.elapsedS).toFixed(0).padStart(8)}%`);
  });
  console.log(`  ${'all'.padEnd(12)} ${total.toFixed(2).padStart(7)} ${((1000 * total) / Math.max(1, result.ops)).toFixed(1).padStart(7)} ${((100 * total) / result.elapsedS).toFixed(0).padStart(8)}%`);
}

function printProfiles(profileDir: string, windows: { gateway: string; processes: RunningProcess[]; fromUs: number; toUs: number }[], top: number): void {
  for (const window of windows) {
    console.log(`\nWhere the busy time went during the ${window.gateway} pass (self time, ms; idle left out):`);
    for (const p of window.processes) {
      const dir = join(profileDir, p.name);
      const file = readdirSync(dir, { withFileTypes: true }).find((f) => f.name.includes(`.${p.pid}.`));
      if (!file) { console.log(`  ${p.name}: no profile`); continue; }
      const s = summarizeProfile(join(dir, file.name), window.fromUs, window.toUs, PROJECT_ROOT);
      const busy = s.totalMs - s.idleMs;
      console.log(`  ${p.name} (pid ${p.pid}): busy ${busy.toFixed(0)} ms of ${s.totalMs.toFixed(0)} sampled, gc ${s.gcMs.toFixed(0)} ms`);
      const list = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top)
        .map(([key, ms]) => `      ${ms.toFixed(0).padStart(6)} ${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${key}`).join('\n');
      console.log(`    by module:\n${list(s.byModule)}\n    by module, callees included:\n${list(s.byModuleInclusive)}\n    by function:\n${list(s.byFunction)}\n    by function, callees included:\n${list(s.byFunctionInclusive)}`);
    }
  }
}
