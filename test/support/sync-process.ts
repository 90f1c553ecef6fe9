/** The sync subgraph as its own process over a test stack's stand-ins, for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEV_CREDENTIALS, type Stack } from '../../upstreams/stack.ts';

const SYNC_MAIN = fileURLToPath(new URL('../../subgraphs/sync/main.ts', import.meta.url));

/** Starts it on `port` with the database at `databasePath` (brisk outbox); resolves once it listens. */
export async function startSyncProcess(stack: Stack, port: number, databasePath: string, extraEnv: Record<string, string> = {}): Promise<ChildProcess> {
  const { standIns } = stack;
  const child = spawn(process.execPath, ['--import', 'tsx', SYNC_MAIN], {
    env: {
      ...process.env,
      SYNC_PORT: String(port), SYNC_DB_PATH: databasePath, OUTBOX_INTERVAL_MS: '50', OUTBOX_BACKOFF_BASE_MS: '50',
      HUBSPOT_URL: standIns.hubspot.url, HUBSPOT_TOKEN: DEV_CREDENTIALS.hubspot,
      ODOO_URL: standIns.odoo.url, ODOO_TOKEN: DEV_CREDENTIALS.odoo,
      SHOPIFY_URL: standIns.shopify.url, SHOPIFY_TOKEN: DEV_CREDENTIALS.shopify,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`sync subgraph exited early (${code})`)));
  });
  return child;
}
