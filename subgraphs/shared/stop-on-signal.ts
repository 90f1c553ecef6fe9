/** For entry points: on SIGINT or SIGTERM, run `close` once and exit 0 (1 if closing failed). */
export function stopOnSignal(close: () => Promise<void>): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      close().then(() => process.exit(0), () => process.exit(1));
    });
  }
}
