/**
 * The bench's processes, each its own: the four stand-ins, the five subgraphs, and the gateways under
 * test (the project's, the plain @apollo/gateway baseline, and Hive Gateway with `--peer hive`), all on
 * free loopback ports. The load generator is the bench process itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEV_CREDENTIALS } from '../../../upstreams/stack.ts';
import { SUBGRAPH_NAMES, type SubgraphName } from '../../../schema/subgraphs.ts';
import { freePort } from '../../support/ports.ts';
import { stopChild } from '../../load/processes.ts';

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
  gateways: RunningGatewayProcess[];
  stop(): Promise<void>;
}

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const ENTRY: Record<GatewayKind, string> = {
  ours: here('../../../gateway/main.ts'),
  baseline: here('./baseline-gateway.ts'),
  hive: here('./hive-gateway.ts'),
};
/** What answers 200 once each process is ready. */
const READY_PATH: Record<GatewayKind, string> = { ours: '/health', baseline: '/health', hive: '/healthcheck' };

/**
 * Starts everything at once on ports chosen first (nothing calls its upstreams before the bench does),
 * with `env` (which holds SYNC_DB_PATH, AUDIT_DB_PATH and the like); stops what started if anything fails.
 */
export async function startTopology(kinds: GatewayKind[], latencyMs: number, env: NodeJS.ProcessEnv): Promise<Topology> {
  const children: ChildProcess[] = [];
  const stop = () => Promise.all(children.reverse().map(stopChild)).then(() => undefined);
  const base = async () => `http://127.0.0.1:${await freePort()}`;
  const standInBases = Object.fromEntries(await Promise.all(STANDIN_NAMES.map(async (name) => [name, await base()]))) as Record<StandInName, string>;
  const subgraphBases = Object.fromEntries(await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await base()]))) as Record<SubgraphName, string>;
  const upstreamEnv: NodeJS.ProcessEnv = {
    HUBSPOT_URL: standInBases.hubspot, HUBSPOT_TOKEN: DEV_CREDENTIALS.hubspot,
    ODOO_URL: standInBases.odoo, ODOO_TOKEN: DEV_CREDENTIALS.odoo,
    SHOPIFY_URL: standInBases.shopify, SHOPIFY_TOKEN: DEV_CREDENTIALS.shopify,
    MASTODON_URL: standInBases.mastodon, MASTODON_TOKEN: DEV_CREDENTIALS.mastodon,
  };
  const subgraphEnv = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_SUBGRAPH_URL`, `${subgraphBases[name]}/graphql`]));

  const start = async (name: string, baseUrl: string, script: string, args: string[], extraEnv: NodeJS.ProcessEnv, readyPath: string): Promise<RunningProcess> => {
    const port = new URL(baseUrl).port;
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env, ...extraEnv, PORT: port, [`${name.toUpperCase()}_PORT`]: port, STANDIN_PORT: port, HOST: '127.0.0.1' },
      // Their log lines would bury the figures; errors still show.
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.push(child);
    await waitUntilReady(name, child, `${baseUrl}${readyPath}`);
    return { name, pid: child.pid!, base: baseUrl };
  };
  try {
    const [standInList, subgraphList, gatewayList] = await Promise.all([
      Promise.all(STANDIN_NAMES.map((name) =>
        start(name, standInBases[name], here('./standin-process.ts'), [name], { BENCH_LATENCY_MS: String(latencyMs) }, '/__admin/counters'))),
      Promise.all(SUBGRAPH_NAMES.map((name) =>
        start(name, subgraphBases[name], here(`../../../subgraphs/${name}/main.ts`), [], upstreamEnv, '/health'))),
      Promise.all(kinds.map(async (kind) => start(kind, await base(), ENTRY[kind], [], subgraphEnv, READY_PATH[kind]))),
    ]);
    return {
      standIns: Object.fromEntries(standInList.map((s) => [s.name, s])) as Topology['standIns'],
      subgraphs: Object.fromEntries(subgraphList.map((s) => [s.name, s])) as Topology['subgraphs'],
      gateways: gatewayList.map((p, i) => ({ ...p, kind: kinds[i], url: `${p.base}/graphql` })),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function waitUntilReady(name: string, child: ChildProcess, url: string): Promise<void> {
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline;) {
    if (exited !== undefined) throw new Error(`${name} exited early (${exited})`);
    // Bounded: a port taken meanwhile by some other program may accept and never answer.
    if (await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready within ${START_TIMEOUT_MS / 1000} s (${url})`);
}
