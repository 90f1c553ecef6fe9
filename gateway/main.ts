/** Runs the gateway alone: reads config from env once, starts, and stops cleanly on SIGINT/SIGTERM. */
import { fileURLToPath } from 'node:url';
import { readGatewayConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startGateway } from './gateway.ts';

const config = readGatewayConfig(process.env, { supergraphPath: fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url)) });
const logger = createLogger(config.logLevel);
const gateway = await startGateway(config, logger);
logger.info({ url: gateway.url }, 'gateway ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    gateway.close().then(() => process.exit(0), () => process.exit(1));
  });
}
