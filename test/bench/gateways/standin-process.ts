/**
 * Child process of `npm run bench`: one stand-in (argv[2]: hubspot, odoo, shopify or mastodon) on
 * STANDIN_PORT over the default dataset (every stand-in process generates the same one from its seed),
 * answering every request BENCH_LATENCY_MS after it arrived (its own work done within that time). Shopify's query-cost throttle is lifted, so the figures
 * measure the gateways rather than the shop's bucket; no webhooks are sent. Stops on SIGTERM.
 */
import { generateDataset } from '../../../upstreams/dataset/generate.ts';
import { readDatasetOptions } from '../../../upstreams/dataset/options.ts';
import { startHubSpotStandIn } from '../../../upstreams/hubspot/server.ts';
import { startOdooStandIn } from '../../../upstreams/odoo/server.ts';
import { startShopifyStandIn } from '../../../upstreams/shopify/server.ts';
import { startMastodonStandIn } from '../../../upstreams/mastodon/server.ts';
import { DEV_CREDENTIALS } from '../../../upstreams/stack.ts';
import type { StandIn } from '../../../upstreams/shared/standin.ts';
import { stopOnSignal } from '../../../subgraphs/shared/stop-on-signal.ts';

/** A bucket no bench empties. */
const UNTHROTTLED = { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 };

const name = process.argv[2] as keyof typeof DEV_CREDENTIALS;
const dataset = generateDataset(readDatasetOptions(process.env));
const port = Number(process.env.STANDIN_PORT);
const starters: Record<keyof typeof DEV_CREDENTIALS, () => Promise<StandIn>> = {
  hubspot: () => startHubSpotStandIn({ dataset, credential: DEV_CREDENTIALS.hubspot, port }),
  odoo: () => startOdooStandIn({ dataset, credential: DEV_CREDENTIALS.odoo, port }),
  shopify: () => startShopifyStandIn({ dataset, credential: DEV_CREDENTIALS.shopify, port, throttle: UNTHROTTLED }),
  mastodon: () => startMastodonStandIn({ dataset, credential: DEV_CREDENTIALS.mastodon, port }),
};
if (!starters[name]) throw new Error(`Unknown stand-in: "${process.argv[2]}"`);
const standIn = await starters[name]();
standIn.setFaults({ answerAfterMs: Number(process.env.BENCH_LATENCY_MS ?? 20) });
stopOnSignal(() => standIn.close());
