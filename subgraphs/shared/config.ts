/**
 * Reads one upstream's connection settings from env, with defaults that point at the embedded stand-in,
 * and a subgraph's own listener: where it listens and whom it trusts.
 */
import type { UpstreamConfig } from './upstream-http.ts';
import type { InternalAuthConfig } from './internal-auth.ts';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './graceful-close.ts';
import { envInteger } from './env-integer.ts';
import { readLogSettings, type LogSettings } from './logging/logger.ts';

export interface SubgraphListenConfig {
  port: number;
  host: string;
  /** The key of the gateway's internal tokens: the only callers a subgraph serves. */
  internalAuth: InternalAuthConfig;
  /** On SIGTERM, how long the requests in flight may take to finish before they are cut (SHUTDOWN_GRACE_MS). */
  shutdownGraceMs?: number;
  /** LOG_LEVEL and LOG_FILE: the subgraph's request lines and masked errors. */
  log?: LogSettings;
}

/**
 * The development default of INTERNAL_TOKEN_SECRET, shared by the gateway and the subgraphs so that
 * `npm start` needs no configuration. Known to everyone, hence refused in production mode.
 */
export const DEV_INTERNAL_TOKEN_SECRET = 'dev-only-internal-token-secret-do-not-use-in-production';

/** HS256 keys shorter than the hash output (32 bytes) are refused (RFC 7518, section 3.2). */
export const MIN_SECRET_BYTES = 32;

/**
 * `<PREFIX>_URL`, `<PREFIX>_TOKEN`, `<PREFIX>_TIMEOUT_MS` (e.g. HUBSPOT_URL). Called only by entry points;
 * nothing below them reads process.env.
 */
export function readUpstreamConfig(env: NodeJS.ProcessEnv, prefix: string, defaults: UpstreamConfig): UpstreamConfig {
  const timeout = envInteger(env, `${prefix}_TIMEOUT_MS`, defaults.timeoutMs, { min: 1 });
  return {
    baseUrl: (env[`${prefix}_URL`] ?? defaults.baseUrl).replace(/\/+$/, ''),
    credential: env[`${prefix}_TOKEN`] ?? defaults.credential,
    timeoutMs: timeout,
  };
}

/** `<PREFIX>_PORT`, `HOST`, `INTERNAL_TOKEN_SECRET`, `SHUTDOWN_GRACE_MS`, `LOG_LEVEL` and `LOG_FILE` for a subgraph's own listener. */
export function readListenConfig(env: NodeJS.ProcessEnv, prefix: string, defaultPort: number): SubgraphListenConfig {
  const port = envInteger(env, `${prefix}_PORT`, defaultPort, { min: 0, max: 65535 });
  return { port, host: env.HOST ?? '127.0.0.1', internalAuth: readInternalAuthConfig(env), shutdownGraceMs: readShutdownGraceMs(env), log: readLogSettings(env) };
}

/**
 * `INTERNAL_TOKEN_SECRET`: the HS256 key the gateway signs its internal tokens with and the subgraphs
 * verify them with (separate from any key of client tokens). Read by the gateway and every subgraph.
 */
export function readInternalAuthConfig(env: NodeJS.ProcessEnv): InternalAuthConfig {
  const secret = env.INTERNAL_TOKEN_SECRET || DEV_INTERNAL_TOKEN_SECRET;
  if (env.NODE_ENV === 'production' && secret === DEV_INTERNAL_TOKEN_SECRET) {
    throw new Error('INTERNAL_TOKEN_SECRET must be set in production mode (NODE_ENV=production): the development default is public.');
  }
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES) throw new Error(`INTERNAL_TOKEN_SECRET must be at least ${MIN_SECRET_BYTES} bytes long.`);
  return { secret };
}

/** `SHUTDOWN_GRACE_MS`: on SIGTERM, how long requests in flight (and the workers' current batch) may take. Read by the gateway and every subgraph. */
export function readShutdownGraceMs(env: NodeJS.ProcessEnv): number {
  return envInteger(env, 'SHUTDOWN_GRACE_MS', DEFAULT_SHUTDOWN_GRACE_MS, { min: 0, max: 600_000 });
}
