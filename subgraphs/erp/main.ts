/** Runs the ERP subgraph alone: `node --import tsx subgraphs/erp/main.ts`. */
import { startSubgraph } from '../shared/server.ts';
import { readErpConfig } from './config.ts';
import { erpSubgraph } from './index.ts';
import { stopOnSignal } from '../shared/stop-on-signal.ts';

const config = readErpConfig(process.env);
const running = await startSubgraph(erpSubgraph(config), config.listen);
console.log(`erp subgraph at ${running.url} (Odoo at ${config.odoo.baseUrl}, database ${config.odoo.database})`);

stopOnSignal(() => running.close(), config.listen.shutdownGraceMs);
