/**
 * `npm start`: the whole stack on fixed ports (gateway 4000, subgraphs 4001-4005, stand-ins 4101-4104),
 * an example query, and a clean stop on Ctrl-C. Each part can also run alone from its own main.ts.
 * `npm start -- --replicas N` (or REPLICAS=N, with DATABASE_URL): N gateways from port 4000 and N sync
 * services from 4005, each its own process, over one PostgreSQL (upstreams/replicas/).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Stack } from './stack.ts';
import { readDatasetOptions } from './dataset/options.ts';
import { readReplicaCount, readReplicaPorts, ReplicaOptionError } from './replicas/options.ts';
import type { ReplicaStack } from './replicas/stack.ts';
import { readLogSettings } from '../subgraphs/shared/logging/logger.ts';

// A customer of the default dataset with records in all four systems.
const EXAMPLE = `{ customers(first: 1, filter: { email: "dennis.hopper0@example.com" }) { edges { node { id name email phone address { city country } sources { system linkedBy } account { number balance { amount currency } } orders(first: 2) { edges { node { number total { amount currency } totalIn(currency: "EUR") { amount rate rateDate } fulfillment { status } } } } lifetimeValue { amount currency } socialProfiles { handle followers recentPosts(first: 1) { text } } } } } }`;

/**
 * GraphiQL's browser files readied in a process of their own (`npm run graphiql:bundle`: read from its
 * disk cache, or built once), on the other core while this one loads the code and generates the
 * dataset; awaited before "Gateway ready", so the first page opened does not wait for esbuild.
 */
const graphiqlBundle = new Promise<void>((resolve) => {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../gateway/graphiql/build-cli.ts', import.meta.url))], { stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', () => resolve());
  child.once('error', () => resolve());
});

const env = process.env;
let replicas: number;
try {
  replicas = readReplicaCount(process.argv.slice(2), env);
} catch (err) {
  if (!(err instanceof ReplicaOptionError)) throw err;
  console.error(`Could not start: ${err.message}`);
  process.exit(2);
}
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
// Warnings and errors unless LOG_LEVEL says otherwise; LOG_FILE sends every part's lines to that file.
const logSettings = readLogSettings(env, 'warn');
const dataset = readDatasetOptions(env);
// Seconds since the process started (loading the code takes a few of them), then each step as it is done.
const progress = (step: string) => console.log(`${process.uptime().toFixed(1).padStart(5)} s  ${step}`);
progress(`starting: ${dataset.customers} customers, ${dataset.orders} orders in the dataset (DATASET_CUSTOMERS, DATASET_ORDERS)`);
const close = replicas > 1 ? await startReplicas(replicas) : await startOne();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nStopping…');
    close().then(() => process.exit(0), () => process.exit(1));
  });
}

/** The single-process stack (the default); returns how to stop it. */
async function startOne(): Promise<() => Promise<void>> {
  let stack: Stack;
  try {
    // Imported after the bundle's process started: loading the stack's code takes seconds.
    const { startStack } = await import('./stack.ts');
    stack = await startStack({
      onProgress: progress,
      handOverDataset: true,
      dataset,
      ports: {
        gateway: port('PORT', 4000),
        subgraphs: [port('CRM_PORT', 4001), port('ERP_PORT', 4002), port('COMMERCE_PORT', 4003), port('SOCIAL_PORT', 4004), port('SYNC_PORT', 4005)],
        standIns: [port('HUBSPOT_STANDIN_PORT', 4101), port('ODOO_STANDIN_PORT', 4102), port('SHOPIFY_STANDIN_PORT', 4103), port('MASTODON_STANDIN_PORT', 4104)],
      },
      // An upstream's URL and token in env (e.g. HUBSPOT_URL, HUBSPOT_TOKEN) point its subgraph at the real system.
      env,
      logLevel: logSettings.level,
      logFile: logSettings.file,
    });
  } catch (err) {
    return couldNotStart(err);
  }
  await graphiqlReady();
  console.log(`Stand-ins:  HubSpot ${stack.standIns.hubspot.url}  Odoo ${stack.standIns.odoo.url}  Shopify ${stack.standIns.shopify.url}  Mastodon ${stack.standIns.mastodon.url}`);
  console.log(`Subgraphs:  ${Object.entries(stack.subgraphs).map(([name, s]) => `${name} ${s?.url}`).join('  ')}`);
  console.log(`\nGateway ready at ${stack.gatewayUrl} (open it in a browser for GraphiQL; the key in its toolbar gives a development token)\n`);
  console.log(tryIt(stack.gatewayUrl));
  return () => stack.close();
}

/** N gateways and N sync services, each its own process, over the PostgreSQL at DATABASE_URL; returns how to stop them. */
async function startReplicas(n: number): Promise<() => Promise<void>> {
  let stack: ReplicaStack;
  try {
    const { startReplicaStack } = await import('./replicas/stack.ts');
    stack = await startReplicaStack({
      replicas: n,
      ports: readReplicaPorts(env, n),
      env,
      dataset,
      handOverDataset: true,
      log: logSettings,
      stdout: 'inherit',
      onProgress: progress,
      // The others go on serving, as they would behind a load balancer.
      onReplicaExit: (name, how) => console.error(`${name} stopped (${how}); the other replicas go on.`),
    });
  } catch (err) {
    return couldNotStart(err);
  }
  await graphiqlReady();
  console.log(`Stand-ins:  HubSpot ${stack.standIns.hubspot.url}  Odoo ${stack.standIns.odoo.url}  Shopify ${stack.standIns.shopify.url}  Mastodon ${stack.standIns.mastodon.url}`);
  console.log(`Subgraphs:  ${Object.entries(stack.subgraphs).map(([name, s]) => `${name} ${s.url}`).join('  ')}`);
  console.log(`Sync:       ${stack.syncs.map((s) => `${s.name} ${s.url}`).join('  ')}  (one PostgreSQL: DATABASE_URL; webhooks go to each in turn)`);
  console.log(`Gateways:   ${stack.gateways.map((g) => `${g.name} ${g.url} (→ ${g.sync.name})`).join('  ')}`);
  console.log(`\n${n} gateways ready; put a load balancer in front of them (README: Deployment). Each gateway serves GraphiQL in a browser.\n`);
  console.log(tryIt(stack.gateways[0].url));
  return () => stack.close();
}

/** A failed build is not fatal: the gateway builds the bundle itself when a page is first asked for. */
async function graphiqlReady(): Promise<void> {
  await graphiqlBundle;
  progress('GraphiQL files ready');
}

function couldNotStart(err: unknown): never {
  const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(inUse
    ? `Could not start: port ${(err as { port?: number }).port} is in use (another npm start?). Set PORT, CRM_PORT… or HUBSPOT_STANDIN_PORT… to move.`
    : `Could not start: ${(err as Error).message}`);
  process.exit(err instanceof ReplicaOptionError ? 2 : 1);
}

function tryIt(gatewayUrl: string): string {
  return `Try (every request needs a token; npm run token prints a development one):
  TOKEN=$(npm run -s token -- --scope "customers:read pii:read finance:read")
  curl -s ${gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '${JSON.stringify({ query: EXAMPLE })}'

Reconciliation runs at start and every RECONCILE_INTERVAL_MS (5 min); npm run sync runs a pass now, and
discrepancies / syncStatus (scope sync:read) show what it found.\n`;
}
