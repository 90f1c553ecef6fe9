/** Runs the commerce subgraph alone: `node --import tsx subgraphs/commerce/main.ts` (config from env; see README). */
import { startSubgraph } from '../shared/server.ts';
import { readCommerceConfig } from './config.ts';
import { commerceSubgraph } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';

const config = readCommerceConfig(process.env);
const running = await startSubgraph(commerceSubgraph(config), config.listen);
console.log(`commerce subgraph ready at ${running.url}`);

stopOnSignal(() => running.close(), config.listen.shutdownGraceMs);
