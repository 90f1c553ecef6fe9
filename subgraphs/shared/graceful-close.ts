/**
 * Graceful shutdown of a node:http server: stop accepting connections, let the requests in flight
 * finish, and only after a grace period cut what is left.
 *
 * `server.close()` alone is not enough: a keep-alive connection stays open after its response (and
 * would even carry the client's next request), so close() would wait for the keep-alive timeout.
 * While draining, every response says `Connection: close` and each connection is closed as soon as
 * it is idle; only at the deadline are the remaining connections cut.
 */
import type { Server, ServerResponse } from 'node:http';

/** How long a shutdown waits for requests in flight, unless configured (SHUTDOWN_GRACE_MS). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

/**
 * Call right after creating the server (it tracks the responses in flight). The returned function
 * stops the server, waits up to `graceMs` for the requests in flight, then closes every connection;
 * it resolves once the server is closed. Calling it again returns the same promise.
 */
export function gracefulCloser(server: Server): (graceMs: number) => Promise<void> {
  const inFlight = new Set<ServerResponse>();
  let closing: Promise<void> | null = null;

  const endAfterResponse = (res: ServerResponse): void => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res);
    // A request that arrived on a kept-alive connection while draining is answered, then the connection ends.
    if (closing) endAfterResponse(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (closing) setImmediate(() => server.closeIdleConnections());
    });
  });

  return (graceMs) => {
    closing ??= new Promise<void>((resolve) => {
      for (const res of inFlight) endAfterResponse(res);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
      server.closeIdleConnections();
    });
    return closing;
  };
}
