/**
 * `npm run load [-- --abuse] [--duration 20] [--clients 50]`: a script printing figures, not a timed
 * test. Starts the stand-ins and subgraphs in one child process and the gateway alone in another, all
 * on free loopback ports; 50 clients (each its own token subject) send the README's unified-customer
 * query for the duration; with --abuse, a second phase repeats that while one more client loops on the
 * heaviest request the gateway's limits still let through. Prints latencies, errors by code, 429s and
 * the gateway's peak resident memory per phase. Figures vary by ±25% between runs on shared cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calibrateHeavy } from './calibrate.ts';
import { readLoadOptions, USAGE, type LoadOptions } from './options.ts';
import { runPhase, type PhaseResult } from './phase.ts';
import { startGatewayProcess, startUpstreams, stopChild } from './processes.ts';
import { formatCalibration, formatReport } from './report.ts';
import { requestMix } from './request-mix.ts';
import { sampleRss } from './rss.ts';
import { warmUp } from './warm-up.ts';
import { devTokens } from './tokens.ts';

const log = (line: string) => console.log(line);
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${(bytes / 1024 / 1024).toFixed(0)} MB`);

/** What to undo on the way out, latest first: the RSS sampler, the gateway, the upstreams. */
const cleanups: (() => Promise<void>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) await cleanups.shift()!();
}

async function main(options: LoadOptions, env: NodeJS.ProcessEnv): Promise<void> {
  log('Starting the stand-ins and five subgraphs (one process) and the gateway (its own process)…');
  const upstreams = await startUpstreams(env, { shopifyPlus: options.shopifyPlus });
  cleanups.unshift(() => stopChild(upstreams.child));
  const gateway = await startGatewayProcess(upstreams.subgraphUrls, env);
  cleanups.unshift(() => stopChild(gateway.child));
  const rss = sampleRss(gateway.child.pid!);
  cleanups.unshift(async () => rss.stop());
  log(`Gateway at ${gateway.url} (pid ${gateway.child.pid}), RSS after start ${mb(rss.currentBytes())}`);

  const processes = { gateway: gateway.child.pid!, upstreams: upstreams.child.pid!, 'load clients': process.pid };
  const tokenFor = devTokens(env);
  const clientTokens = await Promise.all(Array.from({ length: options.clients }, (_, i) => tokenFor(`load-client-${i + 1}`)));
  const mix = requestMix(options.query, upstreams.emails, options.clients);
  log(`Clients: ${options.clients}, each its own token subject (load-client-1…${options.clients}), scopes customers:read pii:read finance:read`);
  log(`Requests: ${mix.description}`);
  log(options.shopifyPlus
    ? 'Shopify stand-in: Shopify Plus query-cost bucket (2000 points, 100 a second), shared by every client'
    : 'Shopify stand-in: query-cost throttle lifted, so the figures are the gateway\'s (--shopify-plus keeps it)');
  const phase = (name: string, durationS: number, heavy?: { token: string; query: string }) =>
    runPhase({ name, url: gateway.url, durationMs: durationS * 1000, clientTokens, nextRequest: mix.next, heavy, rss, log, processes });

  log(`\nWarm-up: each of the ${mix.distinct.length} distinct requests once (not counted)…`);
  const warmUpFailures = await warmUp(gateway.url, clientTokens, mix.distinct);
  if (warmUpFailures > 0) log(`  ${warmUpFailures} of them were not answered ok`);
  const phases: PhaseResult[] = [];
  log(`\nPhase 1: ${options.clients} clients alone, ${options.durationS} s`);
  phases.push(await phase('alone', options.durationS));

  if (options.abuse) {
    log('\nCalibrating the heavy request (heaviest candidate first, each attempt its own subject)…');
    const calibration = await calibrateHeavy(gateway.url, tokenFor);
    log(formatCalibration(calibration));
    log(`\nPhase 2: ${options.clients} clients + the heavy client (subject load-heavy, one request at a time, waits Retry-After on 429), ${options.durationS} s`);
    phases.push(await phase('with heavy', options.durationS, { token: await tokenFor('load-heavy'), query: calibration.query }));
  }
  log(`\n${formatReport(phases, options.clients)}`);
}

let options: LoadOptions;
try {
  options = readLoadOptions(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
// The sync subgraph's database and the audit log in a scratch folder; no reconciliation pass during the load.
const scratch = mkdtempSync(join(tmpdir(), 'gateway-load-'));
cleanups.push(async () => rmSync(scratch, { recursive: true, force: true }));
process.once('SIGINT', () => {
  console.log('\nStopping…');
  cleanUp().finally(() => process.exit(130));
});
const env = { ...process.env, SYNC_DB_PATH: join(scratch, 'gateway.db'), AUDIT_DB_PATH: join(scratch, 'audit.db'), RECONCILE_INTERVAL_MS: '0' };
try {
  await main(options, env);
} catch (err) {
  console.error(`npm run load failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
