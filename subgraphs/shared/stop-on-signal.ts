/**
 * For entry points: on SIGINT or SIGTERM, run `close` once (it stops accepting, lets what is in flight
 * finish within the shutdown grace, closes databases) and exit 0, or 1 if closing failed. A close that
 * hangs past `graceMs` plus a margin exits 1 rather than leaving a process that ignores SIGTERM.
 */
import { DEFAULT_SHUTDOWN_GRACE_MS } from './graceful-close.ts';

export function stopOnSignal(close: () => Promise<void>, graceMs = DEFAULT_SHUTDOWN_GRACE_MS): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      setTimeout(() => {
        console.error(`Shutdown did not finish within ${graceMs + STOP_MARGIN_MS} ms; exiting.`);
        process.exit(1);
      }, graceMs + STOP_MARGIN_MS).unref();
      close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}

/** Beyond the grace: what closing databases and servers may take once the requests are done or cut. */
const STOP_MARGIN_MS = 5_000;
