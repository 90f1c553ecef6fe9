/** Runs the crm subgraph alone: `node --import tsx subgraphs/crm/main.ts` (config from env; see README). */
import { startSubgraph } from '../shared/server.ts';
import { readCrmConfig } from './config.ts';
import { crmSubgraph } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';

const config = readCrmConfig(process.env);
const running = await startSubgraph(crmSubgraph(config), config.listen);
console.log(`crm subgraph ready at ${running.url}`);

stopOnSignal(() => running.close(), config.listen.shutdownGraceMs);
