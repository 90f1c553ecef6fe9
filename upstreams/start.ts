/**
 * `npm start`: the whole stack on fixed ports (gateway 4000, subgraphs 4001-4004, stand-ins 4101-4104),
 * an example query, and a clean stop on Ctrl-C. Each part can also run alone from its own main.ts.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Stack } from './stack.ts';
import { readDatasetOptions } from './dataset/options.ts';
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
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
// Warnings and errors unless LOG_LEVEL says otherwise; LOG_FILE sends every part's lines to that file.
const logSettings = readLogSettings(env, 'warn');
const dataset = readDatasetOptions(env);
// Seconds since the process started (loading the code takes a few of them), then each step as it is done.
const progress = (step: string) => console.log(`${process.uptime().toFixed(1).padStart(5)} s  ${step}`);
progress(`starting: ${dataset.customers} customers, ${dataset.orders} orders in the dataset (DATASET_CUSTOMERS, DATASET_ORDERS)`);
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
  const inUse = (err as NodeJS.ErrnoException).code === 'EADDRINUSE';
  console.error(inUse
    ? `Could not start: port ${(err as { port?: number }).port} is in use (another npm start?). Set PORT, CRM_PORT… or HUBSPOT_STANDIN_PORT… to move.`
    : `Could not start: ${(err as Error).message}`);
  process.exit(1);
}

// A failed build is not fatal: the gateway builds the bundle itself when a page is first asked for.
await graphiqlBundle;
progress('GraphiQL files ready');
console.log(`Stand-ins:  HubSpot ${stack.standIns.hubspot.url}  Odoo ${stack.standIns.odoo.url}  Shopify ${stack.standIns.shopify.url}  Mastodon ${stack.standIns.mastodon.url}`);
console.log(`Subgraphs:  ${Object.entries(stack.subgraphs).map(([name, s]) => `${name} ${s?.url}`).join('  ')}`);
console.log(`\nGateway ready at ${stack.gatewayUrl} (open it in a browser for GraphiQL; the key in its toolbar gives a development token)\n\nTry (every request needs a token; npm run token prints a development one):
  TOKEN=$(npm run -s token -- --scope "customers:read pii:read finance:read")
  curl -s ${stack.gatewayUrl} -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
    -d '${JSON.stringify({ query: EXAMPLE })}'

Reconciliation runs at start and every RECONCILE_INTERVAL_MS (5 min); npm run sync runs a pass now, and
discrepancies / syncStatus (scope sync:read) show what it found.\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nStopping…');
    stack.close().then(() => process.exit(0), () => process.exit(1));
  });
}
