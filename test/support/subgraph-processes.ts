/**
 * A stack whose five subgraphs each run as their own process (`node --import tsx subgraphs/<name>/main.ts`),
 * for tests that kill one and start it again on the same port. The stand-ins (over a generated dataset)
 * and the gateway run in the test process; all of them log to files in the run's log folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, inject } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import type { Dataset } from '../../upstreams/dataset/types.ts';
import { standInEnv, startStandIns, type StandIns } from '../../upstreams/stack.ts';
import type { GraphQLResult } from '../e2e/harness.ts';
import { devToken } from './dev-token.ts';
import { freePort } from './ports.ts';

export const SUBGRAPH_NAMES = ['crm', 'erp', 'commerce', 'social', 'sync'] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export interface SubgraphProcesses {
  readonly dataset: Dataset;
  /** The gateway's GraphQL URL. */
  readonly gatewayUrl: string;
  /** The port each subgraph's process listens on. */
  readonly ports: Readonly<Record<SubgraphName, number>>;
  /** SIGKILLs the subgraph's process; resolves once it has exited. */
  kill(name: SubgraphName): Promise<void>;
  /** Starts the subgraph's process again on its port; resolves once it answers /health. */
  start(name: SubgraphName): Promise<void>;
  /** POSTs to the gateway with a development token granting every scope. */
  gql(query: string, variables?: Record<string, unknown>): Promise<GraphQLResult>;
}

/** Starts everything before the file's tests and stops it after them; `gatewayEnv` adds to the gateway's settings. */
export function useSubgraphProcesses(gatewayEnv: NodeJS.ProcessEnv = {}): SubgraphProcesses {
  let standIns: StandIns | undefined;
  let gateway: RunningGateway | undefined;
  let dataset: Dataset | undefined;
  let env: NodeJS.ProcessEnv = {};
  let token = '';
  const ports = {} as Record<SubgraphName, number>;
  const running = new Map<SubgraphName, ChildProcess>();

  const start = async (name: SubgraphName) => {
    running.set(name, await startSubgraphProcess(name, ports[name], env));
  };

  beforeAll(async () => {
    dataset = generateDataset();
    standIns = await startStandIns(dataset);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-subgraph-processes-'));
    env = {
      ...standInEnv(standIns),
      SYNC_DB_PATH: join(dir, 'gateway.db'), OUTBOX_INTERVAL_MS: '50', OUTBOX_BACKOFF_BASE_MS: '50',
      // Each subgraph process appends its log to the run's log folder, for the end-of-run scan.
      LOG_LEVEL: 'info', LOG_FILE: join(inject('logDir'), `${dir.split('/').pop()}-subgraphs.log`),
    };
    for (const name of SUBGRAPH_NAMES) ports[name] = await freePort();
    // The gateway's subgraph URLs; the sync process reads them too (it tells the read subgraphs' caches what it wrote).
    Object.assign(env, Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${ports[name]}/graphql`])));
    await Promise.all(SUBGRAPH_NAMES.map(start));
    const url = (name: SubgraphName) => `http://127.0.0.1:${ports[name]}/graphql`;
    const config = readGatewayConfig({
      PORT: '0', AUDIT_DB_PATH: join(dir, 'audit.db'),
      CRM_SUBGRAPH_URL: url('crm'), ERP_SUBGRAPH_URL: url('erp'), COMMERCE_SUBGRAPH_URL: url('commerce'),
      SOCIAL_SUBGRAPH_URL: url('social'), SYNC_SUBGRAPH_URL: url('sync'), ...gatewayEnv,
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    gateway = await startGateway(config, createLogger('info', join(inject('logDir'), `${dir.split('/').pop()}.log`)));
    token = await devToken();
  // Five processes compiling with tsx at once: on a loaded machine, more than the default hook timeout.
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([...running.keys()].map((name) => stop(running.get(name)!)));
    await Promise.all(Object.values(standIns ?? {}).map((s) => s.close()));
  });

  return {
    get dataset() {
      if (!dataset) throw new Error('The stack is not running yet.');
      return dataset;
    },
    get gatewayUrl() {
      if (!gateway) throw new Error('The stack is not running yet.');
      return gateway.url;
    },
    ports,
    kill: async (name) => {
      const child = running.get(name);
      running.delete(name);
      if (child) await stop(child, 'SIGKILL');
    },
    start,
    gql: async (query, variables) => {
      const res = await fetch(gateway!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { status: res.status, text, body: JSON.parse(text) };
    },
  };
}

const mainOf = (name: SubgraphName) => fileURLToPath(new URL(`../../subgraphs/${name}/main.ts`, import.meta.url));

/** `<NAME>_PORT` and the upstreams' URLs and tokens in env; resolves once /health answers. */
async function startSubgraphProcess(name: SubgraphName, port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', mainOf(name)], {
    env: { ...process.env, ...env, [`${name.toUpperCase()}_PORT`]: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => { exited = true; });
  for (const deadline = Date.now() + 60_000; Date.now() < deadline && !exited;) {
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (healthy) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`The ${name} subgraph did not start on port ${port}.`);
}

/** Sends `signal` and waits for the process to exit. */
function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}
