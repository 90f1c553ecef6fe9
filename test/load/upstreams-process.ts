/**
 * Child process of `npm run load`: the four stand-ins and the five subgraphs on free loopback ports,
 * so that the gateway runs alone in its own process and its memory can be read apart. Tells the
 * parent over IPC where the subgraphs are and which customer emails the dataset holds; stops on
 * SIGTERM or when the parent goes away. With `--shopify-plus` the Shopify stand-in keeps its Shopify
 * Plus query-cost bucket (100 points a second), which otherwise is lifted so that the figures measure
 * the gateway rather than the shop's throttle. No webhooks: the load only reads.
 */
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { readDatasetOptions } from '../../upstreams/dataset/options.ts';
import { DEV_CREDENTIALS } from '../../upstreams/stack.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import { startOdooStandIn } from '../../upstreams/odoo/server.ts';
import { startShopifyStandIn } from '../../upstreams/shopify/server.ts';
import { startMastodonStandIn } from '../../upstreams/mastodon/server.ts';
import { startSubgraph } from '../../subgraphs/shared/server.ts';
import { readInternalAuthConfig } from '../../subgraphs/shared/config.ts';
import { crmSubgraph } from '../../subgraphs/crm/index.ts';
import { readCrmConfig } from '../../subgraphs/crm/config.ts';
import { erpSubgraph } from '../../subgraphs/erp/index.ts';
import { readErpConfig } from '../../subgraphs/erp/config.ts';
import { commerceSubgraph } from '../../subgraphs/commerce/index.ts';
import { readCommerceConfig } from '../../subgraphs/commerce/config.ts';
import { socialSubgraph } from '../../subgraphs/social/index.ts';
import { readSocialConfig } from '../../subgraphs/social/config.ts';
import { readSyncConfig } from '../../subgraphs/sync/config.ts';
import { startSyncService } from '../../subgraphs/sync/index.ts';
import type { SubgraphName } from '../../schema/subgraphs.ts';

/** What the child sends its parent once everything listens. */
export interface UpstreamsReady {
  subgraphUrls: Record<SubgraphName, string>;
  /** Every CRM contact's email (the unified-customer query filters on one). */
  emails: string[];
}

/** A bucket no load here empties. */
const UNTHROTTLED = { maximumAvailable: 1_000_000_000, restoreRate: 1_000_000_000 };

const dataset = generateDataset(readDatasetOptions(process.env));
const standIns = {
  hubspot: await startHubSpotStandIn({ dataset, credential: DEV_CREDENTIALS.hubspot }),
  odoo: await startOdooStandIn({ dataset, credential: DEV_CREDENTIALS.odoo }),
  shopify: await startShopifyStandIn({ dataset, credential: DEV_CREDENTIALS.shopify, ...(process.argv.includes('--shopify-plus') ? {} : { throttle: UNTHROTTLED }) }),
  mastodon: await startMastodonStandIn({ dataset, credential: DEV_CREDENTIALS.mastodon }),
};
// The parent gives SYNC_DB_PATH (a temporary file) and RECONCILE_INTERVAL_MS=0: no pass runs during the load.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  HUBSPOT_URL: standIns.hubspot.url, HUBSPOT_TOKEN: DEV_CREDENTIALS.hubspot,
  ODOO_URL: standIns.odoo.url, ODOO_TOKEN: DEV_CREDENTIALS.odoo,
  SHOPIFY_URL: standIns.shopify.url, SHOPIFY_TOKEN: DEV_CREDENTIALS.shopify,
  MASTODON_URL: standIns.mastodon.url, MASTODON_TOKEN: DEV_CREDENTIALS.mastodon,
};
const listen = { port: 0, host: '127.0.0.1', internalAuth: readInternalAuthConfig(env) };
const sync = startSyncService(readSyncConfig(env));
const subgraphs = {
  crm: await startSubgraph(crmSubgraph(readCrmConfig(env)), listen),
  erp: await startSubgraph(erpSubgraph(readErpConfig(env)), listen),
  commerce: await startSubgraph(commerceSubgraph(readCommerceConfig(env)), listen),
  social: await startSubgraph(socialSubgraph(readSocialConfig(env)), listen),
  sync: await startSubgraph(sync.subgraph, listen),
};

const ready: UpstreamsReady = {
  subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])) as Record<SubgraphName, string>,
  emails: dataset.hubspot.contacts.map((c) => c.properties.email).filter((e): e is string => Boolean(e)),
};
process.send!(ready);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(Object.values(subgraphs).map((s) => s.close()));
  await sync.close();
  await Promise.all(Object.values(standIns).map((s) => s.close()));
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.once('disconnect', () => void stop());
