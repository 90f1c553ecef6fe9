/**
 * Graceful shutdown of a node:http server: stop accepting connections, let the requests in flight
 * finish, and only after a grace period cut what is left.
 *
 * `server.close()` alone is not enough: a keep-alive connection stays open after its response (and
 * would carry the client's next request), so close() would wait for the keep-alive timeout. And
 * `closeIdleConnections()` also cuts a connection accepted a moment ago whose request has not been
 * read yet. So while draining: every response says `Connection: close`; a connection that has served
 * its requests and waits for another is closed; one that has not sent its first request yet is left to
 * send it (and be answered). Only at the deadline are the remaining connections cut.
 */
import type { Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';

/** How long a shutdown waits for requests in flight, unless configured (SHUTDOWN_GRACE_MS). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

interface ConnectionState {
  /** Responses not yet finished on this connection. */
  inFlight: number;
  /** Whether it has carried a request yet (a keep-alive connection between requests, once drained, can go). */
  served: boolean;
}

/**
 * Call right after creating the server (it tracks connections and responses). The returned function
 * stops the server, waits up to `graceMs` for the requests in flight, then closes every connection;
 * it resolves once the server is closed. Calling it again returns the same promise.
 */
export function gracefulCloser(server: Server): (graceMs: number) => Promise<void> {
  const connections = new Map<Socket, ConnectionState>();
  const responses = new Set<ServerResponse>();
  let closing: Promise<void> | null = null;

  const endIfIdle = (socket: Socket): void => {
    const state = connections.get(socket);
    // end(), not destroy(): the last response may still sit in the socket's buffer.
    if (state && state.served && state.inFlight === 0) socket.end();
  };
  /** Called once no connection is left (set while draining). */
  let allClosed: (() => void) | null = null;
  server.on('connection', (socket: Socket) => {
    connections.set(socket, { inFlight: 0, served: false });
    socket.once('close', () => {
      connections.delete(socket);
      if (connections.size === 0) allClosed?.();
    });
  });
  server.on('request', (req, res: ServerResponse) => {
    const state = connections.get(req.socket);
    if (state) state.inFlight++;
    responses.add(res);
    // A request that arrived while draining is answered, then its connection ends.
    if (closing && !res.headersSent) res.setHeader('connection', 'close');
    res.once('close', () => {
      responses.delete(res);
      if (state) {
        state.inFlight--;
        state.served = true;
      }
      if (closing) setImmediate(() => endIfIdle(req.socket));
    });
  });

  const drain = async (graceMs: number): Promise<void> => {
    // Through one poll phase of the event loop first (an immediate runs in the same iteration as the
    // signal, the one it schedules after the next poll): connections the kernel has already accepted
    // for us (the listen backlog) are taken in, rather than reset when the listening socket closes.
    await nextTurn();
    await nextTurn();
    // net's close, not http's: http.Server#close also runs closeIdleConnections(), which counts a
    // connection whose first request has not been parsed yet as idle and cuts it.
    const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
    // A server handed its connections by a front door (gateway/acceptor/) has no listening socket, and
    // net's close does not wait for connections it did not accept itself: these are waited for here.
    const drained = new Promise<void>((resolve) => { allClosed = resolve; });
    if (connections.size === 0) allClosed!();
    for (const res of responses) if (!res.headersSent) res.setHeader('connection', 'close');
    for (const socket of connections.keys()) endIfIdle(socket);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    await Promise.all([closed, drained]);
    clearTimeout(deadline);
  };
  return (graceMs) => {
    closing ??= drain(graceMs);
    return closing;
  };
}
