/**
 * The local stack with N replicas of the gateway and of the sync service (`npm start -- --replicas N`):
 * each replica its own process, run from its part's main.ts as deployed, every sync replica on the one
 * PostgreSQL at DATABASE_URL; the stand-ins and the four read subgraphs once, in this process, as in
 * `startStack`. Gateway i reaches sync replica i; the stand-ins' webhooks go to the sync replicas in
 * turn, as through a load balancer.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { defaultAuditPath } from '../../gateway/config.ts';
import { readShutdownGraceMs } from '../../subgraphs/shared/config.ts';
import type { LogSettings } from '../../subgraphs/shared/logging/logger.ts';
import type { RunningSubgraph } from '../../subgraphs/shared/server.ts';
import { generateDataset } from '../dataset/generate.ts';
import type { DatasetOptions } from '../dataset/types.ts';
import { handOver } from '../shared/copy-data.ts';
import { standInEnv, startStandIns, startSubgraphs, subgraphUrlEnv, type StandIns } from '../stack.ts';
import { assertDatabaseAnswers } from './database.ts';
import type { ReplicaPorts } from './options.ts';
import { reachable, startPartProcess, stopChild, type PartProcess } from './processes.ts';

export interface ReplicaStackOptions {
  replicas: number;
  ports: ReplicaPorts;
  /** Every part's env (DATABASE_URL, secrets, limits, TTLs…): each replica gets all of it, with its own port and its peers' URLs on top. */
  env: NodeJS.ProcessEnv;
  dataset?: Partial<DatasetOptions>;
  /** As in StackOptions: the stand-ins keep the generated records instead of copying them. */
  handOverDataset?: boolean;
  /** The level and file of every part's log (the replicas' lines too). */
  log: LogSettings;
  /** The replicas' stdout among ours (npm start) or dropped (tests: their log goes to the file). */
  stdout: 'inherit' | 'ignore';
  onProgress?: (step: string) => void;
  /** Hears of a replica that stopped by itself (the others go on, as behind a load balancer). */
  onReplicaExit?: (name: string, how: string) => void;
}

export interface Replica {
  /** "gateway 1", "sync 2" */
  name: string;
  /** Its GraphQL endpoint. */
  url: string;
  pid: number;
}

export interface ReplicaStack {
  standIns: StandIns;
  subgraphs: Record<'crm' | 'erp' | 'commerce' | 'social', RunningSubgraph>;
  syncs: Replica[];
  /** Gateway i, and the sync replica it sends writes to. */
  gateways: (Replica & { sync: Replica })[];
  close(): Promise<void>;
}

const entry = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const SYNC_MAIN = entry('../../subgraphs/sync/main.ts');
const GATEWAY_MAIN = entry('../../gateway/main.ts');

export async function startReplicaStack(options: ReplicaStackOptions): Promise<ReplicaStack> {
  const progress = options.onProgress ?? (() => {});
  if (options.env.DATABASE_URL) await assertDatabaseAnswers(options.env.DATABASE_URL);
  const dataset = generateDataset(options.dataset);
  progress(`dataset generated: ${dataset.hubspot.contacts.length} contacts, ${dataset.shopify.orders.length} orders`);
  if (options.handOverDataset) handOver(dataset.hubspot.contacts, dataset.shopify, dataset.mastodon);

  const children: { name: string; child: ChildProcess }[] = [];
  let closing = false;
  let syncs: PartProcess[] = [];
  let turn = 0;
  // Until the sync replicas listen, a delivery fails and the stand-in retries it later.
  const standIns = await startStandIns(dataset, options.ports.standIns, () => (syncs.length ? syncs[turn++ % syncs.length].base : 'http://127.0.0.1:1'));
  progress('stand-ins listening');
  const logEnv = { LOG_LEVEL: options.log.level, ...(options.log.file && { LOG_FILE: options.log.file }) };
  const env = { ...standInEnv(standIns), ...options.env };
  const [crm, erp, commerce, social] = options.ports.subgraphs;
  const { subgraphs } = await startSubgraphs(env, [crm, erp, commerce, social, 0], false, options.log);
  progress('read subgraphs listening');

  const stopAll = async () => {
    closing = true;
    const killAfterMs = readShutdownGraceMs(options.env) + 5000;
    // Gateways first (they call the sync replicas), then the sync replicas, then what they call.
    for (const kind of ['gateway', 'sync']) await Promise.all(children.filter((c) => c.name.startsWith(kind)).map((c) => stopChild(c.child, killAfterMs)));
    await Promise.all(Object.values(subgraphs).map((s) => s.close()));
    await Promise.all(Object.values(standIns).map((s) => s.close()));
  };
  const start = async (name: string, script: string, port: number, partEnv: (port: number) => NodeJS.ProcessEnv) => {
    const part = await startPartProcess({
      name, script, port, host: options.env.HOST, env: partEnv, stdout: options.stdout, onSpawn: (child) => children.push({ name, child }),
    });
    part.child.once('exit', (code, signal) => { if (!closing) options.onReplicaExit?.(name, signal ?? `exit code ${code}`); });
    progress(`${name} ready at ${part.base}/graphql (pid ${part.child.pid})`);
    return part;
  };
  const at = (first: number, i: number) => (first === 0 ? 0 : first + i);
  const replicas = Array.from({ length: options.replicas }, (_, i) => i);
  try {
    // Every sync replica tells every gateway's answer cache what it changed before its write answers (on
    // free ports, unknown yet, the gateways hear it over LISTEN/NOTIFY only, a few ms later).
    const gatewayUrls = options.ports.gateway === 0 ? {} : { GATEWAY_URL: replicas.map((i) => `http://${reachable(options.env.HOST)}:${at(options.ports.gateway, i)}`).join(',') };
    syncs = await Promise.all(replicas.map((i) => start(`sync ${i + 1}`, SYNC_MAIN, at(options.ports.sync, i), (port) => ({
      ...env, ...subgraphUrlEnv(subgraphs), ...logEnv, ...gatewayUrls, SYNC_PORT: String(port),
    }))));
    const auditPath = options.env.AUDIT_DB_PATH ?? defaultAuditPath();
    const gateways = await Promise.all(replicas.map((i) => start(`gateway ${i + 1}`, GATEWAY_MAIN, at(options.ports.gateway, i), (port) => ({
      ...env, ...subgraphUrlEnv(subgraphs), ...logEnv, PORT: String(port),
      SYNC_SUBGRAPH_URL: `${syncs[i].base}/graphql`,
      // The audit log is a SQLite file of each gateway's own.
      AUDIT_DB_PATH: replicaPath(auditPath, i + 1),
    }))));
    const replica = (p: PartProcess): Replica => ({ name: p.name, url: `${p.base}/graphql`, pid: p.child.pid! });
    return {
      standIns,
      subgraphs,
      syncs: syncs.map(replica),
      gateways: gateways.map((g, i) => ({ ...replica(g), sync: replica(syncs[i]) })),
      close: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Replica 1 keeps the configured file; replica n > 1 gets its own beside it: audit.db → audit-2.db. */
export function replicaPath(path: string, n: number): string {
  if (n === 1 || path === ':memory:') return path;
  return /\.db$/.test(path) ? path.replace(/\.db$/, `-${n}.db`) : `${path}-${n}`;
}
