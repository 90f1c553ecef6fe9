/** Runs the sync subgraph alone: `node --import tsx subgraphs/sync/main.ts` (config from env; see README). */
import { startSubgraph } from '../shared/server.ts';
import { readSyncConfig } from './config.ts';
import { startSyncService } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';

const config = readSyncConfig(process.env);
const service = startSyncService(config);
const running = await startSubgraph(service.subgraph, config.listen);
console.log(`sync subgraph ready at ${running.url}`);

stopOnSignal(() => running.close().then(() => service.close()));
