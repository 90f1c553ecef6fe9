/**
 * `npm run bench -- reconcile [--sizes 5000,20000] [--start]`: per size N (customers; 5N orders), the
 * stand-ins over a fresh dataset in this process and the sync service in a child process of its own
 * (its own database, no scheduled pass), then one first reconciliation pass through POST
 * /admin/reconcile, timed. Prints progress, the pass's time, the sync service's peak RSS, and the
 * ratio of times per 4× of customers. With --start, also times `npm start` at the largest size
 * (until it prints "Gateway ready").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { standInEnv, startStandIns, type StandIns } from '../../upstreams/stack.ts';
import { readInternalAuthConfig } from '../../subgraphs/shared/config.ts';
import { requestPass } from '../../subgraphs/sync/reconcile/client.ts';
import type { PassSummary } from '../../subgraphs/sync/reconcile/pass.ts';
import { freePort } from '../support/ports.ts';
import { stopChild } from '../load/processes.ts';
import { timeStart } from './start.ts';

const SYNC_MAIN = fileURLToPath(new URL('../../subgraphs/sync/main.ts', import.meta.url));
const ORDERS_PER_CUSTOMER = 5;
const RSS_SAMPLE_MS = 250;

interface SizeResult {
  customers: number;
  orders: number;
  setupS: number;
  passS: number;
  peakRssMb: number;
  summary: PassSummary | null;
}

export async function benchReconcile(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(3), options: { sizes: { type: 'string', default: '5000,20000' }, start: { type: 'boolean', default: false } } });
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes must be customer counts separated by commas: ${values.sizes}`);
  const results: SizeResult[] = [];
  for (const customers of sizes) results.push(await benchSize(customers));

  console.log('\ncustomers  orders   setup s  first pass s  sync RSS peak MB  status');
  for (const r of results) {
    console.log(`${pad(r.customers, 9)}  ${pad(r.orders, 6)}  ${pad(r.setupS.toFixed(1), 8)}  ${pad(r.passS.toFixed(1), 12)}  ${pad(r.peakRssMb.toFixed(0), 16)}  ${r.summary?.status ?? 'ERROR'}`);
  }
  for (let i = 1; i < results.length; i++) {
    const [a, b] = [results[i - 1], results[i]];
    const perFour = Math.log(4) / Math.log(b.customers / a.customers);
    console.log(`time ${a.customers} → ${b.customers}: ×${(b.passS / a.passS).toFixed(2)} (×${((b.passS / a.passS) ** perFour).toFixed(2)} per 4× of customers)`);
  }
  if (values.start) {
    const customers = Math.max(...sizes);
    console.log(`\nnpm start at ${customers} customers, ${customers * ORDERS_PER_CUSTOMER} orders: ready in ${(await timeStart(customers)).toFixed(1)} s`);
  }
}

async function benchSize(customers: number): Promise<SizeResult> {
  const orders = customers * ORDERS_PER_CUSTOMER;
  console.log(`\n${customers} customers, ${orders} orders`);
  const setupStarted = performance.now();
  const dataset = generateDataset({ customers, orders });
  // No webhook target: the stand-ins send none, and the pass alone reads the changes.
  const standIns = await startStandIns(dataset);
  const port = await freePort();
  const child = await startSync(standIns, port);
  const setupS = (performance.now() - setupStarted) / 1000;
  console.log(`  dataset and stand-ins ready, sync service started: ${setupS.toFixed(1)} s`);
  let peakRss = 0;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, rssOf(child.pid!)); }, RSS_SAMPLE_MS);
  const started = performance.now();
  let summary: PassSummary | null = null;
  let lastPrinted = 0;
  try {
    for await (const line of requestPass({ baseUrl: `http://127.0.0.1:${port}`, internalAuth: readInternalAuthConfig(process.env), since: null, dryRun: false })) {
      if (line.type === 'progress' && (line.done || performance.now() - lastPrinted > 2000)) {
        lastPrinted = performance.now();
        console.log(`  ${((lastPrinted - started) / 1000).toFixed(1).padStart(6)} s  ${line.feed.padEnd(18)} ${String(line.read).padStart(7)} read${line.done ? ' (done)' : ''}`);
      }
      if (line.type === 'error') console.log(`  pass refused: ${line.code}`);
      if (line.type === 'summary') summary = line.summary;
    }
  } finally {
    clearInterval(sampler);
    peakRss = Math.max(peakRss, rssOf(child.pid!));
    await stopChild(child);
    await Promise.all(Object.values(standIns).map((s) => s.close()));
  }
  const passS = (performance.now() - started) / 1000;
  const found = summary ? Object.entries(summary.stats).map(([s, st]) => `${s} read ${st.read} found ${st.discrepanciesFound} failures ${st.failures}`).join('; ') : '';
  console.log(`  first pass: ${passS.toFixed(1)} s, sync service RSS peak ${(peakRss / 1024).toFixed(0)} MB; ${found}`);
  return { customers, orders, setupS, passS, peakRssMb: peakRss / 1024, summary };
}

/** The sync service alone, on `port`, over the stand-ins, with a fresh database and no schedule. */
async function startSync(standIns: StandIns, port: number): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-reconcile-'));
  const child = spawn(process.execPath, [...(process.env.BENCH_SYNC_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', SYNC_MAIN], {
    env: { ...process.env, ...standInEnv(standIns), SYNC_PORT: String(port), SYNC_DB_PATH: join(dir, 'gateway.db'), RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`the sync service exited early (${code})`)));
  });
  return child;
}

/** Resident set of a process in KiB (Linux /proc), 0 once it is gone. */
function rssOf(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const pad = (value: string | number, width: number) => String(value).padStart(width);
