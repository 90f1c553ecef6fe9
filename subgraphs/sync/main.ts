/** Runs the sync subgraph alone: `node --import tsx subgraphs/sync/main.ts` (config from env; see README). */
import { startSubgraph } from '../shared/server.ts';
import { readSyncConfig } from './config.ts';
import { startSyncService } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';

const config = readSyncConfig(process.env);
const service = startSyncService(config);
const running = await startSubgraph(service.subgraph, config.listen);
console.log(`sync subgraph ready at ${running.url}`);

// The HTTP requests in flight and the workers' current batches finish side by side, within one grace period; then the database closes.
stopOnSignal(async () => {
  await Promise.all([running.close(), service.stopWork()]);
  await service.close();
}, config.listen.shutdownGraceMs);
