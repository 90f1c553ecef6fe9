/**
 * The two child processes of `npm run load`: stand-ins and subgraphs in one, the gateway alone in the
 * other (so its resident memory is its own), everything on free loopback ports.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/ports.ts';
import type { UpstreamsReady } from './upstreams-process.ts';

const UPSTREAMS_MAIN = fileURLToPath(new URL('./upstreams-process.ts', import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL('../../gateway/main.ts', import.meta.url));
const START_TIMEOUT_MS = 60_000;

export interface Upstreams extends UpstreamsReady {
  child: ChildProcess;
}

/** Forks the stand-ins and subgraphs; resolves once they listen. */
export function startUpstreams(env: NodeJS.ProcessEnv, options: { shopifyPlus: boolean }): Promise<Upstreams> {
  const child = fork(UPSTREAMS_MAIN, options.shopifyPlus ? ['--shopify-plus'] : [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the stand-ins and subgraphs did not start within 60 s')), START_TIMEOUT_MS);
    child.once('message', (ready) => { clearTimeout(timer); resolve({ ...(ready as UpstreamsReady), child }); });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the stand-ins and subgraphs exited early (${code})`)); });
  });
}

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
}

/** Spawns gateway/main.ts pointed at the subgraphs; resolves once GET /health answers. */
export async function startGatewayProcess(subgraphUrls: UpstreamsReady['subgraphUrls'], env: NodeJS.ProcessEnv): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], {
    env: {
      LOG_LEVEL: 'warn',
      ...env,
      PORT: String(port), HOST: '127.0.0.1',
      ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`${name.toUpperCase()}_SUBGRAPH_URL`, url])),
    },
    // Its log lines (warnings under load) would bury the figures.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`the gateway exited early (${exited})`);
    const healthy = await fetch(`${base}/health`).then((r) => r.ok, () => false);
    if (healthy) return { url: `${base}/graphql`, child };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGTERM');
  throw new Error('the gateway did not answer /health within 60 s');
}

export { stopChild } from '../../upstreams/replicas/processes.ts';
