/**
 * Runs the four stand-ins alone (HubSpot 4101, Odoo 4102, Shopify 4103, Mastodon 4104, or
 * HUBSPOT_STANDIN_PORT … MASTODON_STANDIN_PORT), for subgraphs started on their own.
 */
import { generateDataset } from './dataset/generate.ts';
import { readDatasetOptions } from './dataset/options.ts';
import { startStandIns } from './stack.ts';
import { stopOnSignal } from '../subgraphs/shared/stop-on-signal.ts';

const port = (name: string, fallback: number) => Number(process.env[`${name}_STANDIN_PORT`] ?? fallback);
// Webhooks go to the sync subgraph (WEBHOOK_TARGET_URL, default the one on port 4005).
const webhookTarget = process.env.WEBHOOK_TARGET_URL ?? 'http://127.0.0.1:4005';
const standIns = await startStandIns(generateDataset(readDatasetOptions(process.env)),
  [port('HUBSPOT', 4101), port('ODOO', 4102), port('SHOPIFY', 4103), port('MASTODON', 4104)], () => webhookTarget);
for (const s of Object.values(standIns)) console.log(`${s.name} stand-in at ${s.url}`);

stopOnSignal(async () => { await Promise.all(Object.values(standIns).map((s) => s.close())); });
