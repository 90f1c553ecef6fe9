/**
 * A gateway alone, its subgraph URLs pointing at a port nothing listens on: for tests of the front
 * door (HTTP, limits, budgets), which must refuse or answer without any subgraph.
 */
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

/** Starts one gateway for the test file with `env` on top of a dead-subgraph configuration. */
export function useLoneGateway(env: NodeJS.ProcessEnv = {}): LoneGateway {
  let gateway: RunningGateway | undefined;
  beforeAll(async () => {
    const dead = `http://127.0.0.1:${await freePort()}/graphql`;
    const config = readGatewayConfig({
      PORT: '0', CRM_SUBGRAPH_URL: dead, ERP_SUBGRAPH_URL: dead, COMMERCE_SUBGRAPH_URL: dead, SOCIAL_SUBGRAPH_URL: dead, SYNC_SUBGRAPH_URL: dead,
      SUBGRAPH_TIMEOUT_MS: '2000', AUDIT_DB_PATH: ':memory:', ...env,
    }, { supergraphPath: fileURLToPath(new URL('../../schema/supergraph.graphql', import.meta.url)) });
    gateway = await startGateway(config, createLogger('silent'));
  });
  afterAll(() => gateway?.close());
  return {
    get url() {
      if (!gateway) throw new Error('The gateway is not running yet.');
      return gateway.url;
    },
  };
}
