/**
 * The gateway's configuration, read once from env at start-up, validated, and passed down.
 * Every setting has a default that works on a developer's machine (see the README's table).
 */
import { fileURLToPath } from 'node:url';
import { SUBGRAPH_NAMES, type SubgraphName } from '../schema/subgraphs.ts';
import { readInternalAuthConfig } from '../subgraphs/shared/config.ts';
import type { InternalAuthConfig } from '../subgraphs/shared/internal-auth.ts';
import { readAuthConfig, type AuthConfig } from './auth/auth-config.ts';

export interface GatewayConfig {
  port: number;
  host: string;
  /** Where each subgraph serves GraphQL; the supergraph's own URLs are placeholders. */
  subgraphUrls: Record<SubgraphName, string>;
  /** Per-request timeout for a call to a subgraph. */
  subgraphTimeoutMs: number;
  /** Path of the composed supergraph SDL. */
  supergraphPath: string;
  logLevel: string;
  production: boolean;
  /** How client tokens are verified (AUTH_*). */
  auth: AuthConfig;
  /** The gateway's own key for its internal tokens to the subgraphs (INTERNAL_TOKEN_SECRET). */
  internalAuth: InternalAuthConfig;
  /** SQLite file of the audit log of personal and financial data served (AUDIT_DB_PATH). */
  auditDbPath: string;
}

/** .data/audit.db in the project folder: where `npm start` and `npm run audit` meet with zero configuration. */
export const defaultAuditPath = (): string => fileURLToPath(new URL('../.data/audit.db', import.meta.url));

const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = { crm: 4001, erp: 4002, commerce: 4003, social: 4004, sync: 4005 };

export function readGatewayConfig(env: NodeJS.ProcessEnv, defaults: { supergraphPath: string }): GatewayConfig {
  const subgraphUrls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [
    name,
    env[`${name.toUpperCase()}_SUBGRAPH_URL`] ?? `http://127.0.0.1:${DEFAULT_SUBGRAPH_PORTS[name]}/graphql`,
  ])) as Record<SubgraphName, string>;
  for (const [name, url] of Object.entries(subgraphUrls)) {
    if (!URL.canParse(url)) throw new Error(`${name.toUpperCase()}_SUBGRAPH_URL must be a URL: ${url}`);
  }
  return {
    port: integer(env, 'PORT', 4000, 0, 65535),
    host: env.HOST ?? '127.0.0.1',
    subgraphUrls,
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 10_000, 1, 600_000),
    supergraphPath: env.SUPERGRAPH_PATH ?? defaults.supergraphPath,
    logLevel: env.LOG_LEVEL ?? 'info',
    production: env.NODE_ENV === 'production',
    auth: readAuthConfig(env),
    internalAuth: readInternalAuthConfig(env),
    auditDbPath: env.AUDIT_DB_PATH ?? defaultAuditPath(),
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}: ${raw}`);
  return value;
}
