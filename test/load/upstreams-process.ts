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
import { standInEnv, startStandIns, startSubgraphs } from '../../upstreams/stack.ts';
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
const standIns = await startStandIns(dataset, undefined, undefined, process.argv.includes('--shopify-plus') ? {} : { shopifyThrottle: UNTHROTTLED });
// The parent gives SYNC_DB_PATH (a temporary file) and RECONCILE_INTERVAL_MS=0: no pass runs during the load.
const started = await startSubgraphs({ ...process.env, ...standInEnv(standIns) });
const subgraphs = { ...started.subgraphs, sync: started.syncSubgraph! };
const { sync } = started;

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
  await sync?.close();
  await Promise.all(Object.values(standIns).map((s) => s.close()));
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.once('disconnect', () => void stop());
