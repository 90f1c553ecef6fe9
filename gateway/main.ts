/** Runs the gateway alone: reads config from env once, starts, and stops cleanly on SIGINT/SIGTERM. */
import { fileURLToPath } from 'node:url';
import { readGatewayConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { startGateway } from './gateway.ts';
import { stopOnSignal } from '../subgraphs/shared/stop-on-signal.ts';
import { limitHeapGrowth } from './heap-growth.ts';

limitHeapGrowth(process.execArgv);

const config = readGatewayConfig(process.env, { supergraphPath: fileURLToPath(new URL('../schema/supergraph.graphql', import.meta.url)) });
const logger = createLogger(config.logLevel, config.logFile);
const gateway = await startGateway(config, logger);
logger.info({ url: gateway.url }, 'gateway ready');

stopOnSignal(() => gateway.close(), config.shutdownGraceMs);
