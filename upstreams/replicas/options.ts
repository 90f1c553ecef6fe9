/**
 * How many replicas `npm start` runs: `--replicas N` on the command line, else the REPLICAS env
 * variable, else 1 (the single-process stack). More than one needs DATABASE_URL: the sync replicas
 * share their state in one PostgreSQL, and the SQLite file is one process at a time.
 */
import { parseArgs } from 'node:util';

/** On one machine, more would only take turns on the same cores; a real deployment runs each part's main.ts. */
export const MAX_REPLICAS = 8;

/** A refusal to print as it is, on one line (no stack trace): the command line or env is wrong. */
export class ReplicaOptionError extends Error {}

export function readReplicaCount(argv: string[], env: NodeJS.ProcessEnv): number {
  let values: { replicas?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { replicas: { type: 'string' } } }));
  } catch (err) {
    throw new ReplicaOptionError(`${(err as Error).message} (npm start accepts --replicas N only).`);
  }
  const [source, raw] = values.replicas !== undefined ? ['--replicas', values.replicas] : ['REPLICAS', env.REPLICAS || '1'];
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1 || Number(raw) > MAX_REPLICAS) {
    throw new ReplicaOptionError(`${source} must be a whole number from 1 to ${MAX_REPLICAS}: ${JSON.stringify(raw)}.`);
  }
  const replicas = Number(raw);
  if (replicas > 1 && !env.DATABASE_URL) {
    throw new ReplicaOptionError(`${source} ${replicas} needs DATABASE_URL=postgres://…: the sync replicas share their outbox, idempotency keys and webhook inbox in one PostgreSQL (the SQLite file is one process at a time).`);
  }
  return replicas;
}

export interface ReplicaPorts {
  /** The first gateway's and the first sync service's ports; the others follow on consecutive ones (0: free ports). */
  gateway: number;
  sync: number;
  /** CRM, ERP, commerce, social: free ports unless set (the gateways' consecutive ports would meet the default 4001-4004). */
  subgraphs: [number, number, number, number];
  standIns: [number, number, number, number];
}

/**
 * Where each part listens with `replicas` replicas: gateways from PORT (4000), sync services from
 * SYNC_PORT (4005), read subgraphs at CRM_PORT… when set, stand-ins at HUBSPOT_STANDIN_PORT… (4101-4104).
 * Two parts on one port are refused, naming both.
 */
export function readReplicaPorts(env: NodeJS.ProcessEnv, replicas: number): ReplicaPorts {
  const port = (name: string, fallback: number) => {
    const raw = env[name] || String(fallback);
    if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw new ReplicaOptionError(`${name} must be a port number from 0 to 65535: ${JSON.stringify(raw)}.`);
    return Number(raw);
  };
  const ports: ReplicaPorts = {
    gateway: port('PORT', 4000),
    sync: port('SYNC_PORT', 4005),
    subgraphs: [port('CRM_PORT', 0), port('ERP_PORT', 0), port('COMMERCE_PORT', 0), port('SOCIAL_PORT', 0)],
    standIns: [port('HUBSPOT_STANDIN_PORT', 4101), port('ODOO_STANDIN_PORT', 4102), port('SHOPIFY_STANDIN_PORT', 4103), port('MASTODON_STANDIN_PORT', 4104)],
  };
  const consecutive = (label: string, first: number) => Array.from({ length: replicas }, (_, i) => [`${label} ${i + 1}`, first === 0 ? 0 : first + i] as const);
  const named = [
    ...consecutive('gateway replica', ports.gateway), ...consecutive('sync replica', ports.sync),
    ...(['CRM', 'ERP', 'commerce', 'social'] as const).map((name, i) => [`the ${name} subgraph`, ports.subgraphs[i]] as const),
    ...(['HubSpot', 'Odoo', 'Shopify', 'Mastodon'] as const).map((name, i) => [`the ${name} stand-in`, ports.standIns[i]] as const),
  ];
  const taken = new Map<number, string>();
  for (const [label, n] of named) {
    if (n > 65535) throw new ReplicaOptionError(`${label} would listen on port ${n}, past 65535: set PORT or SYNC_PORT lower.`);
    const other = taken.get(n);
    if (n !== 0 && other) throw new ReplicaOptionError(`${other} and ${label} would both listen on port ${n}: set PORT, SYNC_PORT, CRM_PORT… or HUBSPOT_STANDIN_PORT… so that they do not meet.`);
    taken.set(n, label);
  }
  return ports;
}
