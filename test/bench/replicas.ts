/**
 * `npm run bench -- --replicas N [--quick]`: what replicas add, each part its own process over one
 * PostgreSQL (DATABASE_URL, else this machine's at postgres://postgres@127.0.0.1:5432/test, in a schema
 * of the bench's own, dropped at the end). N sync services and N gateways (gateway i in front of sync i)
 * over one set of stand-ins (upstream latency injected) and read subgraphs. Interleaved passes:
 * S1, the unified-customer page, on 1 gateway and then spread round-robin over the N; W, updateCustomer
 * on distinct customers, through 1 gateway and sync service and then over the N pairs. Prints each
 * pass as it ends, then the figures and the ratios.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_REPLICAS } from '../../upstreams/replicas/options.ts';
import { ALL_SCOPES, devToken } from '../support/dev-token.ts';
import { createTestSchema } from '../support/postgres-schema.ts';
import { aggregate } from './gateways/aggregate.ts';
import { hotSet, sendOne } from './gateways/index.ts';
import { cpuOf, runPass, type PassResult } from './gateways/pass.ts';
import { pageScenario, writeScenario } from './gateways/scenarios.ts';
import { startTopology, type Topology } from './gateways/topology.ts';

const USAGE = 'Usage: npm run bench -- --replicas 2 [--quick] [--rounds 3] [--duration 10] [--latency 20] [--page-clients 8] [--writers 16]';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const WARM_UP_OPS = 3;

interface Options {
  replicas: number;
  rounds: number;
  passS: number;
  latencyMs: number;
  pageClients: number;
  writers: number;
}

/** One configuration's passes: S1 or W on 1 or N replicas. */
interface Measured {
  passes: PassResult[];
  /** CPU seconds over those passes of the sync services, and of the read subgraphs and stand-ins together; null where /proc cannot be read. */
  syncCpuS: number | null;
  restCpuS: number | null;
}

export async function benchReplicas(args: string[]): Promise<void> {
  let options: Options;
  try {
    options = readOptions(args);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const schema = await createTestSchema(databaseUrl).catch((err: Error) => {
    throw new Error(`The replicas bench needs a PostgreSQL (DATABASE_URL, else ${DEFAULT_DATABASE_URL}): ${err.message}`);
  });
  const scratch = mkdtempSync(join(tmpdir(), 'bench-replicas-'));
  const n = options.replicas;
  console.log(`Starting 4 stand-ins (${options.latencyMs} ms per upstream call), 4 read subgraphs, ${n} sync services and ${n} gateways, each its own process, over one PostgreSQL schema…`);
  console.log(`Machine: ${availableParallelism()} cores for every process (the load generator and PostgreSQL too); load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} before the start.`);
  const startedAt = performance.now();
  let topology: Topology | undefined;
  try {
    topology = await startTopology(['ours'], options.latencyMs, {
      DATABASE_URL: schema.url, SYNC_DB_PATH: join(scratch, 'unused.db'), AUDIT_DB_PATH: join(scratch, 'audit.db'), RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'warn',
    }, { replicas: n });
    console.log(`  ready after ${((performance.now() - startedAt) / 1000).toFixed(1)} s`);
    await run(options, topology);
    console.log(`\nWhole run ${((performance.now() - startedAt) / 1000).toFixed(0)} s, start-up included; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end.`);
  } finally {
    await topology?.stop();
    await schema.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function run(options: Options, topology: Topology): Promise<void> {
  const n = options.replicas;
  const standIns = Object.values(topology.standIns).map((s) => s.base);
  const clients = Math.max(options.pageClients, options.writers);
  // One subject per client, as real callers would be.
  const tokens = await Promise.all(Array.from({ length: clients }, (_, i) => devToken(ALL_SCOPES, { subject: `bench-client-${i + 1}`, clientId: 'bench' })));
  const all = topology.gateways;
  const customers = await hotSet(all[0].url, tokens[0]);
  const page = pageScenario();
  const writes = writeScenario(customers);

  console.log(`Warm-up (${WARM_UP_OPS} operations per scenario and gateway, not counted)…`);
  for (const gateway of all) {
    for (const scenario of [page, writes]) for (let i = 0; i < WARM_UP_OPS; i++) await sendOne(gateway, scenario, tokens[0]);
  }

  const configurations = [
    { key: 'S1 1', scenario: page, clients: options.pageClients, gateways: all.slice(0, 1), syncs: topology.syncs.slice(0, 1) },
    { key: `S1 ${n}`, scenario: page, clients: options.pageClients, gateways: all, syncs: topology.syncs },
    { key: 'W 1', scenario: writes, clients: options.writers, gateways: all.slice(0, 1), syncs: topology.syncs.slice(0, 1) },
    { key: `W ${n}`, scenario: writes, clients: options.writers, gateways: all, syncs: topology.syncs },
  ];
  const measured = new Map<string, Measured>(configurations.map((c) => [c.key, { passes: [], syncCpuS: 0, restCpuS: 0 }]));
  const rest = [...Object.values(topology.standIns), ...Object.values(topology.subgraphs).filter((p) => p.name !== 'sync')];
  const add = (sum: number | null, before: number | null, after: number | null) => (sum === null || before === null || after === null ? null : sum + after - before);
  for (let round = 1; round <= options.rounds; round++) {
    for (const c of configurations) {
      const before = [cpuOf(topology.syncs), cpuOf(rest)];
      const result = await runPass({ gateway: c.gateways, scenario: c.scenario, clients: c.clients, durationMs: options.passS * 1000, tokens, standIns });
      const after = [cpuOf(topology.syncs), cpuOf(rest)];
      const m = measured.get(c.key)!;
      m.passes.push(result);
      m.syncCpuS = add(m.syncCpuS, before[0], after[0]);
      m.restCpuS = add(m.restCpuS, before[1], after[1]);
      const [scenario, replicas] = c.key.split(' ');
      console.log(`  round ${round}/${options.rounds}  ${scenario === 'S1' ? 'S1 page' : 'W writes'} on ${replicas} replica${replicas === '1' ? '' : 's'}: ${(result.ok / result.elapsedS).toFixed(1)} answered/s${errorsOf(result.errors)}`);
    }
  }
  console.log(report(options, measured, customers.length));
}

function report(options: Options, measured: Map<string, Measured>, customers: number): string {
  const n = options.replicas;
  const figures = (key: string) => {
    const m = measured.get(key)!;
    const f = aggregate(m.passes);
    const elapsedS = m.passes.reduce((sum, p) => sum + p.elapsedS, 0);
    const perOp = (cpuS: number | null) => (cpuS === null || f.ops === 0 ? null : (1000 * cpuS) / f.ops);
    const gatewayCpuS = m.passes.every((p) => p.cpuS !== null) ? m.passes.reduce((sum, p) => sum + p.cpuS!, 0) : null;
    const allCpuS = gatewayCpuS === null || m.syncCpuS === null || m.restCpuS === null ? null : gatewayCpuS + m.syncCpuS + m.restCpuS;
    return { f, okPerS: f.ok / Math.max(1e-9, elapsedS), syncMs: perOp(m.syncCpuS), restMs: perOp(m.restCpuS), cores: allCpuS === null ? null : allCpuS / elapsedS };
  };
  const fixed = (x: number | null, digits = 1) => (x === null ? 'n/a' : x.toFixed(digits));
  const columns: [string, number][] = [['scenario', -28], ['replicas', 8], ['ok/s', 6], ['p50', 6], ['p99', 6], ['up/op', 6], ['gw ms/op', 9], ['sync ms/op', 10], ['rest ms/op', 10], ['cores', 5], ['×', 6]];
  const row = (cells: string[], errors: string) => `  ${cells.map((cell, i) => (columns[i][1] < 0 ? cell.padEnd(-columns[i][1]) : cell.padStart(columns[i][1]))).join(' ')}  ${errors}`;
  const line = (label: string, replicas: number, x: ReturnType<typeof figures>, ratio: number | null) => row([
    label, String(replicas), fixed(x.okPerS), fixed(x.f.p50Ms, 0), fixed(x.f.p99Ms, 0), fixed(x.f.upstreamCallsPerOp), fixed(x.f.cpuMsPerOp), fixed(x.syncMs), fixed(x.restMs), fixed(x.cores, 2),
    ratio === null ? '' : `${ratio.toFixed(2)}×`,
  ], errorsOf(x.f.errors).replace(/^; /, '') || 'none');
  const s1 = [figures('S1 1'), figures(`S1 ${n}`)];
  const w = [figures('W 1'), figures(`W ${n}`)];
  return [
    '',
    `Upstream latency ${options.latencyMs} ms per call; ${options.rounds} interleaved rounds of ${options.passS} s per configuration; requests spread round-robin over the replicas.`,
    'Columns: operations answered without errors per second; latency percentiles (ms); upstream requests per operation (the stand-ins\' counters);',
    'CPU per operation of the gateways, of the sync services, and of the read subgraphs and stand-ins (each group\'s replicas together);',
    'cores those processes kept busy (of the machine\'s; PostgreSQL and the load generator not counted); ok/s × the single replica.',
    row(columns.map(([name]) => name), 'errors'),
    line(`S1 page, ${options.pageClients} clients`, 1, s1[0], null),
    line(`S1 page, ${options.pageClients} clients`, n, s1[1], s1[1].okPerS / Math.max(1e-9, s1[0].okPerS)),
    line(`W writes, ${options.writers} writers`, 1, w[0], null),
    line(`W writes, ${options.writers} writers`, n, w[1], w[1].okPerS / Math.max(1e-9, w[0].okPerS)),
    `S1: customers(first: 50) with account, orders and social profiles, on 1 gateway, then on ${n} (the same read subgraphs and stand-ins).`,
    `W: updateCustomer (phone) on ${customers} customers in turn, one write in flight per customer; on 1 gateway and its sync service, then on ${n} gateway/sync pairs over one PostgreSQL.`,
  ].join('\n');
}

const errorsOf = (errors: Record<string, number>) => {
  const listed = Object.entries(errors).map(([code, count]) => `${count} ${code}`).join(', ');
  return listed ? `; ${listed}` : '';
};

function readOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      replicas: { type: 'string', default: '2' },
      quick: { type: 'boolean', default: false },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      latency: { type: 'string', default: '20' },
      'page-clients': { type: 'string' },
      writers: { type: 'string' },
    },
  });
  const integer = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}: ${raw}`);
    return value;
  };
  return {
    replicas: integer('replicas', values.replicas, 2, MAX_REPLICAS),
    // --quick: two rounds of 5 s passes (four configurations: under a minute and a half of passes).
    rounds: integer('rounds', values.rounds ?? (values.quick ? '2' : '3'), 1, 20),
    passS: integer('duration', values.duration ?? (values.quick ? '5' : '10'), 1, 600),
    latencyMs: integer('latency', values.latency, 0, 5000),
    pageClients: integer('page-clients', values['page-clients'] ?? '8', 1, 1000),
    // Fewer than the customers written (the hot set of 100), so that each write has a customer of its own.
    writers: integer('writers', values.writers ?? '16', 1, 64),
  };
}
