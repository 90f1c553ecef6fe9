/**
 * The bench's processes, each its own: the four stand-ins, the five subgraphs, and the gateways under
 * test (the project's, the plain @apollo/gateway baseline, and Hive Gateway with `--peer hive`), all on
 * free loopback ports; the peers read through a second set of the four read subgraphs with the record
 * cache off (one sync service serves all). With `replicas` (the replicas bench), that many sync services
 * and as many of this project's gateways, gateway i in front of sync service i, over the PostgreSQL at
 * env.DATABASE_URL. The gateways run from bundles built at the start (bundles.ts), with plain `node`, as
 * deployed; the stand-ins and subgraphs (the same for every gateway) from their sources under tsx. The
 * load generator is the bench process itself.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEV_CREDENTIALS } from '../../../upstreams/stack.ts';
import { freePort, startPartProcess, stopChild } from '../../../upstreams/replicas/processes.ts';
import { replicaPath } from '../../../upstreams/replicas/stack.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../../schema/subgraphs.ts';
import { bundleEntries, type Bundles } from './bundles.ts';

// Generous: a dozen processes load at once, on cores other work may share.
const START_TIMEOUT_MS = 300_000;
const STANDIN_NAMES = ['hubspot', 'odoo', 'shopify', 'mastodon'] as const;
export type StandInName = (typeof STANDIN_NAMES)[number];
export type GatewayKind = 'ours' | 'baseline' | 'hive';

export interface RunningProcess {
  name: string;
  pid: number;
  /** Base URL, e.g. http://127.0.0.1:40123 */
  base: string;
}

export interface RunningGatewayProcess extends RunningProcess {
  kind: GatewayKind;
  /** The GraphQL endpoint. */
  url: string;
}

export interface Topology {
  standIns: Record<StandInName, RunningProcess>;
  subgraphs: Record<SubgraphName, RunningProcess>;
  /** The peers' read subgraphs (record cache off); empty when only this gateway runs. */
  peerSubgraphs: RunningProcess[];
  gateways: RunningGatewayProcess[];
  /** Every sync service (one, or `replicas`): subgraphs.sync is the first. */
  syncs: RunningProcess[];
  stop(): Promise<void>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ENTRY: Record<GatewayKind, string> = {
  ours: here('../../../gateway/main.ts'),
  baseline: here('./baseline-gateway.ts'),
  hive: here('./hive-gateway.ts'),
};
/**
 * This gateway's settings in the bench: its per-caller cost budget still counted on every request but set
 * past what a pass can spend, so that the figures measure speed, not the budget (at the default, a client
 * asking for pages of 50 back to back is refused with 429 within the minute, as it should be in production).
 */
const OURS_ENV: NodeJS.ProcessEnv = { COST_BUDGET_PER_MINUTE: String(1e9) };

export interface TopologyOptions {
  /** That many sync services and gateways of this project's (kinds must then be ['ours']), each gateway its own audit file. Default 1. */
  replicas?: number;
  /** Node options for the process of that name (e.g. `--cpu-prof`). */
  nodeArgs?: (name: string) => string[];
  /** 'source': the gateways run their .ts entry points under tsx instead (a CPU profile then names the project's files). Default 'bundle'. */
  gateways?: 'bundle' | 'source';
}

/** What answers 200 once each process is ready. */
const READY_PATH: Record<GatewayKind, string> = { ours: '/health', baseline: '/health', hive: '/healthcheck' };

/**
 * Starts the stand-ins, then the subgraphs (given the stand-ins' URLs), then the gateways (given the
 * subgraphs'), each group in parallel, with `env` (which holds SYNC_DB_PATH, AUDIT_DB_PATH and the like);
 * stops what started (and removes the bundles) if anything fails.
 */
export async function startTopology(kinds: GatewayKind[], latencyMs: number, env: NodeJS.ProcessEnv, options: TopologyOptions = {}): Promise<Topology> {
  const { replicas = 1, nodeArgs = () => [] } = options;
  const children: ChildProcess[] = [];
  let bundles: Bundles<GatewayKind> | undefined;
  const stop = async () => {
    await Promise.all(children.reverse().map((child) => stopChild(child)));
    bundles?.remove();
  };

  /** Spawns `script` on a free port (another if some other program took it meanwhile); resolves once `readyPath` answers. */
  const start = async (name: string, script: string, args: string[], extraEnv: NodeJS.ProcessEnv, readyPath: string, port = 0): Promise<RunningProcess> => {
    const part = await startPartProcess({
      // A bundle (.js) runs without the TypeScript loader.
      name, script, tsx: script.endsWith('.ts'), args, nodeArgs: nodeArgs(name), port, readyPath, timeoutMs: START_TIMEOUT_MS,
      env: (port) => ({ ...process.env, ...env, ...extraEnv, PORT: String(port), [`${name.toUpperCase()}_PORT`]: String(port), STANDIN_PORT: String(port), HOST: '127.0.0.1' }),
      // Their log lines would bury the figures; errors still show.
      stdout: 'ignore',
      onSpawn: (child) => children.push(child),
    });
    return { name, pid: part.child.pid!, base: part.base };
  };
  try {
    if (options.gateways !== 'source') bundles = await bundleEntries(Object.fromEntries(kinds.map((kind) => [kind, ENTRY[kind]])) as Record<GatewayKind, string>);
    const standInList = await Promise.all(STANDIN_NAMES.map((name) =>
      start(name, here('./standin-process.ts'), [name], { BENCH_LATENCY_MS: String(latencyMs) }, '/__admin/counters')));
    const standIns = Object.fromEntries(standInList.map((s) => [s.name, s])) as Topology['standIns'];
    const upstreamEnv: NodeJS.ProcessEnv = {
      HUBSPOT_URL: standIns.hubspot.base, HUBSPOT_TOKEN: DEV_CREDENTIALS.hubspot,
      ODOO_URL: standIns.odoo.base, ODOO_TOKEN: DEV_CREDENTIALS.odoo,
      SHOPIFY_URL: standIns.shopify.base, SHOPIFY_TOKEN: DEV_CREDENTIALS.shopify,
      MASTODON_URL: standIns.mastodon.base, MASTODON_TOKEN: DEV_CREDENTIALS.mastodon,
    };
    const startReadSubgraphs = (extraEnv: NodeJS.ProcessEnv) => Promise.all(READ_SUBGRAPHS.map((name) =>
      start(name, here(`../../../subgraphs/${name}/main.ts`), [], { ...upstreamEnv, ...extraEnv }, '/health')));
    const readSubgraphs = await startReadSubgraphs({});
    // The sync services tell the (cached) read subgraphs what they wrote, whichever gateway the write came through,
    // and this project's gateways too (their answer caches): on ports chosen now, since the gateways start last.
    const oursPorts = await Promise.all((kinds.includes('ours') ? Array.from({ length: replicas }) : []).map(() => freePort()));
    const gatewayUrlEnv = oursPorts.length ? { GATEWAY_URL: oursPorts.map((p) => `http://127.0.0.1:${p}`).join(',') } : {};
    const syncs = await Promise.all(Array.from({ length: replicas }, () =>
      start('sync', here('../../../subgraphs/sync/main.ts'), [], { ...upstreamEnv, ...urlEnv(readSubgraphs), ...gatewayUrlEnv }, '/health')));
    const subgraphs = Object.fromEntries([...readSubgraphs, syncs[0]].map((s) => [s.name, s])) as Topology['subgraphs'];
    // The peers (baseline, Hive) have "no cache": they read through a second set of the same read subgraphs with the record cache off.
    const peerSubgraphs = kinds.some((kind) => kind !== 'ours') ? await startReadSubgraphs(RECORD_CACHE_OFF) : [];
    const uncached = [...peerSubgraphs, syncs[0]];
    const gateways = await Promise.all(kinds.flatMap((kind) => (kind === 'ours' ? syncs : [syncs[0]]).map(async (sync, i) => {
      const ownEnv = kind === 'ours'
        ? { ...urlEnv([...readSubgraphs, sync]), ...OURS_ENV, ...(env.AUDIT_DB_PATH && { AUDIT_DB_PATH: replicaPath(env.AUDIT_DB_PATH, i + 1) }) }
        : urlEnv(uncached);
      const p = await start(kind, bundles?.files[kind] ?? ENTRY[kind], [], ownEnv, READY_PATH[kind], kind === 'ours' ? oursPorts[i] : 0);
      return { ...p, kind, url: `${p.base}/graphql` };
    })));
    return { standIns, subgraphs, peerSubgraphs, gateways, syncs, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

const READ_SUBGRAPHS = SUBGRAPH_NAMES.filter((name) => name !== 'sync');
const RECORD_CACHE_OFF = { CRM_RECORD_TTL_MS: '0', ERP_RECORD_TTL_MS: '0', COMMERCE_RECORD_TTL_MS: '0' };

/** <NAME>_SUBGRAPH_URL of each process. */
const urlEnv = (processes: RunningProcess[]): NodeJS.ProcessEnv =>
  Object.fromEntries(processes.map((p) => [`${p.name.toUpperCase()}_SUBGRAPH_URL`, `${p.base}/graphql`]));
