/**
 * `npm run bench -- start [--sizes default,20000] [--runs 1]`: runs `npm start` (GraphiQL's files readied
 * included) per size, on free ports with a fresh database, and times it from spawn until it prints
 * "Gateway ready". A size is `default` (the default dataset) or N customers with 5N orders. Prints what
 * `npm start` printed on the way (its progress), the times, and the load average, which on a shared
 * machine says how far to trust them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from '../support/ports.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ORDERS_PER_CUSTOMER = 5;
const PORT_NAMES = ['PORT', 'CRM_PORT', 'ERP_PORT', 'COMMERCE_PORT', 'SOCIAL_PORT', 'SYNC_PORT', 'HUBSPOT_STANDIN_PORT', 'ODOO_STANDIN_PORT', 'SHOPIFY_STANDIN_PORT', 'MASTODON_STANDIN_PORT'];
const STOP_GRACE_MS = 5000;

export async function benchStart(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { sizes: { type: 'string', default: 'default,20000' }, runs: { type: 'string', default: '1' } } });
  const sizes = values.sizes.split(',').map((s) => (s === 'default' ? null : Number(s)));
  const runs = Number(values.runs);
  if (sizes.some((n) => n !== null && (!Number.isInteger(n) || n < 1)) || !Number.isInteger(runs) || runs < 1) {
    throw new Error(`--sizes takes "default" or customer counts separated by commas, --runs a count: ${values.sizes} ${values.runs}`);
  }
  const rows: string[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const customers of sizes) {
      const load = loadavg()[0];
      const seconds = await timeStart(customers);
      rows.push(`${sizeName(customers).padEnd(34)} ${seconds.toFixed(1).padStart(7)}  ${load.toFixed(1).padStart(12)}`);
    }
  }
  console.log(`\n${'npm start'.padEnd(34)} ${'ready s'.padStart(7)}  ${'load average'.padStart(12)}\n${rows.join('\n')}`);
}

const sizeName = (customers: number | null) =>
  (customers === null ? 'default dataset' : `${customers} customers, ${customers * ORDERS_PER_CUSTOMER} orders`);

/** `npm start` at this size (null: the default dataset) on free ports: seconds until it prints "Gateway ready". */
export async function timeStart(customers: number | null): Promise<number> {
  const ports = await Promise.all(PORT_NAMES.map(freePort));
  const dir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const dataset = customers === null ? {} : { DATASET_CUSTOMERS: String(customers), DATASET_ORDERS: String(customers * ORDERS_PER_CUSTOMER) };
  console.log(`\nnpm start, ${sizeName(customers)}:`);
  const started = performance.now();
  // Its own process group, so that stopping it stops npm's child too.
  const child = spawn('npm', ['start'], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...Object.fromEntries(PORT_NAMES.map((n, i) => [n, String(ports[i])])), ...dataset, SYNC_DB_PATH: join(dir, 'gateway.db'), AUDIT_DB_PATH: join(dir, 'audit.db') },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await new Promise<void>((resolve, reject) => {
      let pending = '';
      let ready = false;
      child.stdout!.on('data', (chunk: Buffer) => {
        if (ready) return;
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          if (line.includes('Gateway ready')) {
            ready = true;
            return resolve();
          }
          if (line.trim()) console.log(`  ${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s | ${line}`);
        }
      });
      child.once('exit', (code) => reject(new Error(`npm start exited early (${code})`)));
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`  ${seconds.toFixed(1).padStart(5)} s | Gateway ready`);
    return seconds;
  } finally {
    const signal = (name: NodeJS.Signals) => { try { process.kill(-child.pid!, name); } catch { /* the group is gone */ } };
    signal('SIGTERM');
    const force = setTimeout(() => signal('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(force);
  }
}
