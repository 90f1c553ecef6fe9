/** Runs the sync subgraph alone: `node --import tsx subgraphs/sync/main.ts` (config from env; see README). */
import { startSubgraph } from '../shared/server.ts';
import { readSyncConfig } from './config.ts';
import { startSyncService } from './index.ts';

const config = readSyncConfig(process.env);
const service = startSyncService(config);
const running = await startSubgraph(service.subgraph, config.listen);
console.log(`sync subgraph ready at ${running.url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.close().then(() => service.close()).then(() => process.exit(0), () => process.exit(1));
  });
}
