/**
 * The whole local stack in one process, every hop over loopback HTTP: the four stand-ins, the four
 * subgraphs configured (through the same env keys their entry points read) to call them, and the
 * gateway configured to call the subgraphs. Used by `npm start` (fixed ports) and tests (port 0).
 */
import { fileURLToPath } from 'node:url';
import type { Dataset, DatasetOptions } from './dataset/types.ts';
import { generateDataset } from './dataset/generate.ts';
import { freePort } from './replicas/processes.ts';
import type { StandIn } from './shared/standin.ts';
import { handOver } from './shared/copy-data.ts';
import { startHubSpotStandIn, type HubSpotStandIn } from './hubspot/server.ts';
import { startOdooStandIn } from './odoo/server.ts';
import { startShopifyStandIn, type ShopifyStandIn } from './shopify/server.ts';
import type { ThrottleOptions } from './shopify/cost.ts';
import { startMastodonStandIn } from './mastodon/server.ts';
import { startSubgraph, type RunningSubgraph } from '../subgraphs/shared/server.ts';
import { readInternalAuthConfig } from '../subgraphs/shared/config.ts';
import { crmSubgraph } from '../subgraphs/crm/index.ts';
import { readCrmConfig } from '../subgraphs/crm/config.ts';
import { erpSubgraph } from '../subgraphs/erp/index.ts';
import { readErpConfig } from '../subgraphs/erp/config.ts';
import { commerceSubgraph } from '../subgraphs/commerce/index.ts';
import { readCommerceConfig } from '../subgraphs/commerce/config.ts';
import { socialSubgraph } from '../subgraphs/social/index.ts';
import { readSocialConfig } from '../subgraphs/social/config.ts';
import { readSyncConfig } from '../subgraphs/sync/config.ts';
import { startSyncService, type SyncService } from '../subgraphs/sync/index.ts';
import { readGatewayConfig } from '../gateway/config.ts';
import { startGateway, type RunningGateway } from '../gateway/gateway.ts';
import { createLogger } from '../gateway/logger.ts';
import { createLogger as createServiceLogger, readLogSettings, type LogSettings } from '../subgraphs/shared/logging/logger.ts';

/** The stand-ins' development credentials (the subgraphs' config defaults use the same ones). */
export const DEV_CREDENTIALS = {
  hubspot: 'pat-dev-hubspot-standin',
  odoo: 'odoo-dev-api-key',
  shopify: 'shpat_dev_standin',
  mastodon: 'mastodon-dev-token',
} as const;

export interface StackOptions {
  dataset?: Partial<DatasetOptions>;
  /** Fixed ports for npm start; 0 (the default) picks free ports, as tests do. */
  ports?: { gateway: number; subgraphs: [number, number, number, number, number]; standIns: [number, number, number, number] };
  /** Use a sync subgraph running elsewhere (e.g. a child process a test kills) instead of starting one here. */
  externalSyncUrl?: string;
  /** Extra env for the subgraphs and gateway (e.g. timeouts). */
  env?: NodeJS.ProcessEnv;
  logLevel?: string;
  /** Append every process's log (gateway, subgraphs, workers) here instead of stdout. */
  logFile?: string;
  /** Hears each step as it is done (npm start prints them: at 20 000 customers they take seconds). */
  onProgress?: (step: string) => void;
  /**
   * The stand-ins keep the generated records as their own instead of copying them (npm start, which
   * reads no `Stack.dataset`); `Stack.dataset` then changes with every write to a stand-in.
   */
  handOverDataset?: boolean;
}

export interface Stack {
  gatewayUrl: string;
  dataset: Dataset;
  standIns: { hubspot: HubSpotStandIn; odoo: StandIn; shopify: ShopifyStandIn; mastodon: StandIn };
  subgraphs: { crm: RunningSubgraph; erp: RunningSubgraph; commerce: RunningSubgraph; social: RunningSubgraph; sync: RunningSubgraph | null };
  /** The write orchestrator's store and outbox worker (absent when externalSyncUrl is used). */
  sync: SyncService | null;
  gateway: RunningGateway;
  /** Every stand-in's counters, keyed "<stand-in> <endpoint>". */
  upstreamCounters(): Record<string, number>;
  resetUpstreamCounters(): void;
  close(): Promise<void>;
}

export type StandIns = Stack['standIns'];

/** The secrets the stand-ins sign their webhooks with (the sync subgraph's config defaults are the same). */
export const DEV_WEBHOOK_SECRETS = { hubspot: 'dev-hubspot-app-secret', shopify: 'dev-shopify-webhook-secret' } as const;

/**
 * The four stand-ins over one dataset, with their development credentials. With `webhookTarget` (the
 * receiving sync subgraph's base URL, asked for at each delivery) HubSpot and Shopify send webhooks.
 * `shopifyThrottle` replaces the Shopify stand-in's query-cost bucket (a load test lifts it).
 */
export async function startStandIns(
  dataset: Dataset, ports: [number, number, number, number] = [0, 0, 0, 0], webhookTarget?: () => string, options: { shopifyThrottle?: ThrottleOptions } = {},
): Promise<StandIns> {
  const [hsPort, odooPort, shopPort, mastoPort] = ports;
  const webhooks = (path: string, secret: string) => (webhookTarget ? { webhooks: { url: () => `${webhookTarget()}${path}`, secret } } : {});
  return {
    hubspot: await startHubSpotStandIn({ dataset, credential: DEV_CREDENTIALS.hubspot, port: hsPort, ...webhooks('/webhooks/hubspot', DEV_WEBHOOK_SECRETS.hubspot) }),
    odoo: await startOdooStandIn({ dataset, credential: DEV_CREDENTIALS.odoo, port: odooPort }),
    shopify: await startShopifyStandIn({ dataset, credential: DEV_CREDENTIALS.shopify, port: shopPort, throttle: options.shopifyThrottle, ...webhooks('/webhooks/shopify', DEV_WEBHOOK_SECRETS.shopify) }),
    mastodon: await startMastodonStandIn({ dataset, credential: DEV_CREDENTIALS.mastodon, port: mastoPort }),
  };
}

/** The env keys every subgraph entry point reads to reach the stand-ins, with their development credentials. */
export function standInEnv(standIns: StandIns): NodeJS.ProcessEnv {
  return {
    HUBSPOT_URL: standIns.hubspot.url, HUBSPOT_TOKEN: DEV_CREDENTIALS.hubspot,
    ODOO_URL: standIns.odoo.url, ODOO_TOKEN: DEV_CREDENTIALS.odoo,
    SHOPIFY_URL: standIns.shopify.url, SHOPIFY_TOKEN: DEV_CREDENTIALS.shopify,
    MASTODON_URL: standIns.mastodon.url, MASTODON_TOKEN: DEV_CREDENTIALS.mastodon,
  };
}

/**
 * The four read subgraphs, and (with `withSync`) the sync service and its subgraph, configured from `env`, on `ports` (0: free ones),
 * logging as `log` says (else as LOG_LEVEL and LOG_FILE in `env` say).
 */
export async function startSubgraphs(env: NodeJS.ProcessEnv, ports: [number, number, number, number, number] = [0, 0, 0, 0, 0], withSync = true, log: LogSettings = readLogSettings(env)) {
  const [crmPort, erpPort, commercePort, socialPort, syncPort] = ports;
  const internalAuth = readInternalAuthConfig(env);
  const listen = (port: number) => ({ port, host: '127.0.0.1', internalAuth, log });
  const subgraphs = {
    crm: await startSubgraph(crmSubgraph(readCrmConfig(env)), listen(crmPort)),
    erp: await startSubgraph(erpSubgraph(readErpConfig(env)), listen(erpPort)),
    commerce: await startSubgraph(commerceSubgraph(readCommerceConfig(env)), listen(commercePort)),
    social: await startSubgraph(socialSubgraph(readSocialConfig(env)), listen(socialPort)),
  };
  // The sync service tells these subgraphs' record caches what it wrote.
  const syncEnv = { ...env, ...subgraphUrlEnv(subgraphs) };
  const sync = withSync ? await startSyncService(readSyncConfig(syncEnv), Date.now, createServiceLogger({ service: 'sync', ...log })) : null;
  const syncSubgraph = sync ? await startSubgraph(sync.subgraph, listen(syncPort)) : null;
  return { subgraphs, sync, syncSubgraph };
}

/** CRM_SUBGRAPH_URL … SOCIAL_SUBGRAPH_URL of running read subgraphs. */
export function subgraphUrlEnv(subgraphs: Record<'crm' | 'erp' | 'commerce' | 'social', RunningSubgraph>): NodeJS.ProcessEnv {
  return Object.fromEntries((['crm', 'erp', 'commerce', 'social'] as const).map((name) => [`${name.toUpperCase()}_SUBGRAPH_URL`, subgraphs[name].url]));
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const progress = options.onProgress ?? (() => {});
  const dataset = generateDataset(options.dataset);
  progress(`dataset generated: ${dataset.hubspot.contacts.length} contacts, ${dataset.shopify.orders.length} orders`);
  if (options.handOverDataset) handOver(dataset.hubspot.contacts, dataset.shopify, dataset.mastodon);
  // The sync subgraph that receives the webhooks starts after the stand-ins (it needs their URLs).
  let webhookTarget = options.externalSyncUrl?.replace(/\/graphql$/, '') ?? 'http://127.0.0.1:1';
  const standIns = await startStandIns(dataset, options.ports?.standIns, () => webhookTarget);
  progress('stand-ins listening');
  const [crmPort, erpPort, commercePort, socialPort, syncPort] = options.ports?.subgraphs ?? [0, 0, 0, 0, 0];
  // The sync service tells the gateway's answer cache what it changes too: the gateway starts last, on a port chosen now.
  const gatewayPort = options.ports?.gateway || await freePort();
  const env: NodeJS.ProcessEnv = { ...standInEnv(standIns), GATEWAY_URL: `http://127.0.0.1:${gatewayPort}`, ...options.env };
  const log = { level: options.logLevel ?? 'silent', ...(options.logFile && { file: options.logFile }) };
  const { subgraphs, sync, syncSubgraph } = await startSubgraphs(env, [crmPort, erpPort, commercePort, socialPort, syncPort], !options.externalSyncUrl, log);
  progress('subgraphs listening');
  if (syncSubgraph) webhookTarget = syncSubgraph.url.replace(/\/graphql$/, '');
  const gatewayConfig = readGatewayConfig({
    PORT: String(gatewayPort),
    // The gateway listens itself: in this one process its event loop also runs the subgraphs and the
    // stand-ins, so it takes connections in late for reasons that are not its own overload, and an
    // acceptor process (gateway/acceptor/) judging by that would refuse a burst it should not.
    GATEWAY_ACCEPTOR: 'false',
    CRM_SUBGRAPH_URL: subgraphs.crm.url,
    ERP_SUBGRAPH_URL: subgraphs.erp.url,
    COMMERCE_SUBGRAPH_URL: subgraphs.commerce.url,
    SOCIAL_SUBGRAPH_URL: subgraphs.social.url,
    SYNC_SUBGRAPH_URL: syncSubgraph?.url ?? options.externalSyncUrl,
    ...options.env,
  }, { supergraphPath: fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url)) });
  const gateway = await startGateway(gatewayConfig, createLogger(options.logLevel ?? 'silent', options.logFile));

  const all = Object.values(standIns);
  return {
    gatewayUrl: gateway.url,
    dataset,
    standIns,
    subgraphs: { ...subgraphs, sync: syncSubgraph },
    sync,
    gateway,
    upstreamCounters: () => Object.fromEntries(all.flatMap((s) => Object.entries(s.counters()).map(([k, v]) => [`${s.name} ${k}`, v]))),
    resetUpstreamCounters: () => all.forEach((s) => s.resetCounters()),
    close: async () => {
      await gateway.close();
      await Promise.all([...Object.values(subgraphs), ...(syncSubgraph ? [syncSubgraph] : [])].map((s) => s.close()));
      await sync?.close();
      await Promise.all(all.map((s) => s.close()));
    },
  };
}
