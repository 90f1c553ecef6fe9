/**
 * `npm start`: the whole stack on fixed ports (gateway 4000, subgraphs 4001-4004, stand-ins 4101-4104),
 * an example query, and a clean stop on Ctrl-C. Each part can also run alone from its own main.ts.
 */
import { startStack } from './stack.ts';
import { readDatasetOptions } from './dataset/options.ts';

const EXAMPLE = `{ customers(first: 1) { edges { node { id name email sources { system linkedBy } account { balance { amount currency } } orders(first: 2) { edges { node { number total { amount currency } fulfillment { status } } } } socialProfiles { handle followers } } } } }`;

const port = Number(process.env.PORT ?? 4000);
const stack = await startStack({
  dataset: readDatasetOptions(process.env),
  ports: { gateway: port, subgraphs: [4001, 4002, 4003, 4004], standIns: [4101, 4102, 4103, 4104] },
  // An upstream's URL and token in env (e.g. HUBSPOT_URL, HUBSPOT_TOKEN) point its subgraph at the real system.
  env: process.env,
  logLevel: process.env.LOG_LEVEL ?? 'warn',
});

console.log(`Stand-ins:  HubSpot ${stack.standIns.hubspot.url}  Odoo ${stack.standIns.odoo.url}  Shopify ${stack.standIns.shopify.url}  Mastodon ${stack.standIns.mastodon.url}`);
console.log(`Subgraphs:  ${Object.entries(stack.subgraphs).map(([name, s]) => `${name} ${s.url}`).join('  ')}`);
console.log(`\nGateway ready at ${stack.gatewayUrl}\n\nTry:\n  curl -s ${stack.gatewayUrl} -H 'content-type: application/json' \\\n    -d '${JSON.stringify({ query: EXAMPLE })}'\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log('\nStopping…');
    stack.close().then(() => process.exit(0), () => process.exit(1));
  });
}
