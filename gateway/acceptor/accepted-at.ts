/**
 * When the acceptor accepted each connection it handed over, until the connection's first request asks:
 * the time the connection waited to be taken in is time its first request has waited already, which
 * admission control counts against its max wait (gateway/limits/admission/).
 */
import type { Socket } from 'node:net';

const acceptedAt = new WeakMap<Socket, number>();

/** `epochMs`: when the acceptor accepted it, in ms since the epoch (another process's clock, the same machine's). */
export function noteAcceptedAt(socket: Socket, epochMs: number): void {
  acceptedAt.set(socket, epochMs - performance.timeOrigin);
}

/** When the connection was accepted, on this process's performance.now() clock, the first time it is asked; afterwards undefined. */
export function takeAcceptedAt(socket: Socket): number | undefined {
  const at = acceptedAt.get(socket);
  acceptedAt.delete(socket);
  return at;
}
