/** Runs the sync subgraph alone: `node --import tsx subgraphs/sync/main.ts` (config from env; see README). */
import { startSubgraph } from '../shared/server.ts';
import { readSyncConfig } from './config.ts';
import { startSyncService } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';
import { createLogger } from '../shared/logging/logger.ts';

const config = readSyncConfig(process.env);
// One logger (one file handle with LOG_FILE) for the workers' job lines and the server's request lines.
const logger = createLogger({ service: 'sync', ...(config.listen.log ?? { level: 'info' }) });
const service = await startSyncService(config, Date.now, logger);
const running = await startSubgraph(service.subgraph, { ...config.listen, logger });
console.log(`sync subgraph ready at ${running.url}`);

// The HTTP requests in flight and the workers' current batches finish side by side, within one grace period; then the database closes.
stopOnSignal(async () => {
  await Promise.all([running.close(), service.stopWork()]);
  await service.close();
}, config.listen.shutdownGraceMs);
