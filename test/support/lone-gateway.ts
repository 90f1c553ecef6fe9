/**
 * A gateway alone, its subgraph URLs pointing at a port nothing listens on unless a test says
 * otherwise: for tests of the front door (HTTP, limits, budgets) and of what the gateway makes of a
 * subgraph's answers (with useFakeSubgraph).
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { readGatewayConfig } from '../../gateway/config.ts';
import { startGateway, type RunningGateway } from '../../gateway/gateway.ts';
import { createLogger } from '../../gateway/logger.ts';
import { freePort } from './ports.ts';

export interface LoneGateway {
  /** The gateway's /graphql URL; valid inside tests. */
  readonly url: string;
}

/**
 * Starts one gateway for the test file with `env` (or what `env()` gives once earlier hooks ran) on
 * top of a dead-subgraph configuration; it logs to `logFile` when given.
 */
export function useLoneGateway(env: NodeJS.ProcessEnv | (() => NodeJS.ProcessEnv) = {}, logFile?: string): LoneGateway {
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    const dead = `http://127.0.0.1:${await freePort()}/graphql`;
    const config = readGatewayConfig({
      PORT: '0', CRM_SUBGRAPH_URL: dead, ERP_SUBGRAPH_URL: dead, COMMERCE_SUBGRAPH_URL: dead, SOCIAL_SUBGRAPH_URL: dead, SYNC_SUBGRAPH_URL: dead,
      SUBGRAPH_TIMEOUT_MS: '2000', AUDIT_DB_PATH: ':memory:', ...(typeof env === 'function' ? env() : env),
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    gateway = await startGateway(config, createLogger(logFile ? 'info' : 'silent', logFile));
  });
  afterAll(() => gateway?.close());
  return {
    get url() {
      if (!gateway) throw new Error('The gateway is not running yet.');
      return gateway.url;
    },
  };
}

/** A stand-in subgraph answering every request with `handler`, for the test file; its URL once started. */
export function useFakeSubgraph(handler: RequestListener): { readonly url: string } {
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    // A handler that never answers leaves connections open; they go with the server.
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });
  return {
    get url() {
      if (!server) throw new Error('The fake subgraph is not running yet.');
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
    },
  };
}
