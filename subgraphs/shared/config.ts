/** Reads one upstream's connection settings from env, with defaults that point at the embedded stand-in. */
import type { UpstreamConfig } from './upstream-http.ts';

export interface SubgraphListenConfig {
  port: number;
  host: string;
}

/**
 * `<PREFIX>_URL`, `<PREFIX>_TOKEN`, `<PREFIX>_TIMEOUT_MS` (e.g. HUBSPOT_URL). Called only by entry points;
 * nothing below them reads process.env.
 */
export function readUpstreamConfig(env: NodeJS.ProcessEnv, prefix: string, defaults: UpstreamConfig): UpstreamConfig {
  const timeout = Number(env[`${prefix}_TIMEOUT_MS`] ?? defaults.timeoutMs);
  if (!Number.isInteger(timeout) || timeout <= 0) throw new Error(`${prefix}_TIMEOUT_MS must be a positive integer: ${env[`${prefix}_TIMEOUT_MS`]}`);
  return {
    baseUrl: (env[`${prefix}_URL`] ?? defaults.baseUrl).replace(/\/+$/, ''),
    credential: env[`${prefix}_TOKEN`] ?? defaults.credential,
    timeoutMs: timeout,
  };
}

/** `<PREFIX>_PORT` and `HOST` for a subgraph's own listener. */
export function readListenConfig(env: NodeJS.ProcessEnv, prefix: string, defaultPort: number): SubgraphListenConfig {
  const port = Number(env[`${prefix}_PORT`] ?? defaultPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${prefix}_PORT must be a port number: ${env[`${prefix}_PORT`]}`);
  return { port, host: env.HOST ?? '127.0.0.1' };
}
