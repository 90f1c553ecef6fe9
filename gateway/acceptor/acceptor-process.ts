/**
 * The acceptor: a small process of its own (Node's built-ins only) that owns the gateway's listening
 * socket, accepts every connection at once (its event loop has nothing else to do) and hands each to the
 * gateway over IPC; or, when the gateway would take it in too late
 * (intake-gauge.ts, hand-over-queue.ts), reads its requests and answers them 503 OVERLOADED with
 * Retry-After itself, within milliseconds, keeping the connection while the client does
 * (request-framing.ts). Without it, under overload the excess waited unanswered in the kernel's accept
 * queue, drained one connection per turn of a busy gateway's loop, until clients timed out. Probes (GET /health,
 * /healthz, /readyz, /metrics) are handed over even then, with what was read of them. Started by
 * acceptor.ts; exits when the gateway goes.
 */
import { createServer, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { HandOverQueue } from './hand-over-queue.ts';
import { IntakeGauge } from './intake-gauge.ts';
import { frameRequest } from './request-framing.ts';
import { SETTINGS_ENV, STRICT_FOR_MS, type AcceptorMessage, type AcceptorSettings, type GatewayMessage } from './acceptor-messages.ts';

/**
 * A refused client's connection is closed after this long without a byte from it: time to send its
 * request, or its next one after the Retry-After second (Node's own server keeps idle connections 5 s).
 */
const IDLE_TIMEOUT_MS = 5_000;
const REPORT_INTERVAL_MS = 1_000;

const settings = JSON.parse(process.env[SETTINGS_ENV] ?? 'null') as AcceptorSettings | null;
if (!settings || !process.send) throw new Error('The acceptor runs as a child of the gateway (acceptor.ts).');
const tell = (message: AcceptorMessage, socket?: Socket) => process.send!(message, socket);

const gauge = new IntakeGauge(settings.maxWaitMs, settings.maxBurstWaitMs, settings.maxBurstWaiting);
let refused = 0;
/** When the gateway last said it refused a request for overload. */
let overloadedAt = -Infinity;
/** Whether the gateway counts as refusing requests itself at `now`: it said so within STRICT_FOR_MS. */
const refusing = (now: number) => now - overloadedAt < STRICT_FOR_MS;

const handOvers = new HandOverQueue<{ socket: Socket; head?: Buffer }>({
  now: () => performance.now(),
  waitMs: (now) => (refusing(now) ? settings.maxWaitMs : settings.maxBurstWaitMs),
  send: ({ socket, head }) => {
    // Gone while it waited (a socket without its handle would reach the gateway as a message alone).
    if (socket.destroyed || !process.connected) {
      socket.destroy();
      withdraw();
      return false;
    }
    tell({ type: 'connection', ...(head && { head: head.toString('base64') }) }, socket);
    return true;
  },
  refuse: ({ socket, head }) => {
    withdraw();
    refuse(socket, head);
  },
});
/** One handed over will not reach the gateway: off the count (and, closing, perhaps the last it waited for). */
const withdraw = () => {
  gauge.withdrawn();
  leaveIfDone();
};

/** `head`: what was read of its request already; `probe`: handed over however long it waits. */
const handOver = (socket: Socket, head?: Buffer, probe = false) => {
  // The gateway is gone: nothing to hand it to (the listening socket is closing).
  if (!process.connected) return void socket.destroy();
  gauge.handedOver(performance.now());
  handOvers.add({ socket, head }, probe);
};

/**
 * Answers the connection's requests with the refusal, one after another over the same connection when the
 * client keeps it (a client refused and told to retry need not open a new one: under overload, reconnecting
 * clients cost both sides more than their refusals); hands it over, with what was read of the request, for
 * a probe, or for a later request once the gateway would take the connection in in time.
 */
const refuse = (socket: Socket, head?: Buffer) => {
  let read: Buffer = Buffer.alloc(0);
  /** Body bytes of the request just refused still to come, to be dropped. */
  let skip = 0;
  let answered = 0;
  socket.setTimeout(IDLE_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  const onData = (chunk: Buffer) => {
    const dropped = Math.min(skip, chunk.length);
    skip -= dropped;
    read = read.length ? Buffer.concat([read, chunk.subarray(dropped)]) : chunk.subarray(dropped);
    while (read.length > 0) {
      const frame = frameRequest(read);
      if (frame.kind === 'incomplete') return;
      const now = performance.now();
      if (frame.kind === 'probe' || (frame.kind === 'framed' && answered > 0 && gauge.admits(now, refusing(now)))) {
        socket.off('data', onData);
        socket.pause();
        socket.setTimeout(0);
        socket.removeAllListeners('error');
        return handOver(socket, read, frame.kind === 'probe');
      }
      refused += 1;
      answered += 1;
      if (frame.kind === 'last') {
        socket.off('data', onData);
        socket.end(refusalResponse(false));
        // Read what the client still sends until it closes: closing with unread data would reset the connection and lose the answer.
        socket.on('data', () => {});
        return;
      }
      socket.write(refusalResponse(true));
      const size = frame.headBytes + frame.bodyBytes;
      skip = Math.max(0, size - read.length);
      read = read.subarray(Math.min(size, read.length));
    }
  };
  socket.on('data', onData);
  if (head) onData(head);
  socket.resume();
};

const { status, reason, headers, body: refusalBody } = settings.refusal;
const refusalResponse = (keepAlive: boolean) => {
  const requestId = randomUUID();
  const text = JSON.stringify(withRequestId(refusalBody, requestId));
  // Keep-Alive's timeout tells the client when the connection will be closed, so that it does not send on it as it closes.
  const connection = keepAlive ? { connection: 'keep-alive', 'keep-alive': `timeout=${IDLE_TIMEOUT_MS / 1000}` } : { connection: 'close' };
  const lines = Object.entries({ ...headers, 'x-request-id': requestId, ...connection, 'content-length': String(Buffer.byteLength(text)) }).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join('\r\n')}\r\n\r\n${text}`;
};

/** Every error of the body names the refusal's request id, as the gateway's own errors do. */
function withRequestId(body: typeof refusalBody, requestId: string) {
  return { ...body, errors: body.errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } })) };
}

const server = createServer({ pauseOnConnect: true }, (socket) => {
  const now = performance.now();
  if (gauge.admits(now, refusing(now))) handOver(socket);
  else refuse(socket);
});
server.on('error', (err: NodeJS.ErrnoException) => {
  tell({ type: 'failed', message: err.message, ...(err.code && { code: err.code }) });
  process.exit(1);
});
server.listen({ host: settings.host, port: settings.port, backlog: settings.backlog }, () => {
  const address = server.address();
  tell({ type: 'listening', port: typeof address === 'object' && address ? address.port : settings.port });
});

const report = setInterval(() => {
  if (refused === 0) return;
  tell({ type: 'refused', count: refused });
  refused = 0;
}, REPORT_INTERVAL_MS);

let closing = false;
/** Once closing and every connection handed over is taken in: the gateway hears the last count and the channel closes. */
const leaveIfDone = () => {
  if (!closing || gauge.waiting > 0 || !process.connected) return;
  if (refused > 0) tell({ type: 'refused', count: refused });
  process.disconnect();
};

process.on('message', (message: GatewayMessage) => {
  if (message.type === 'taken') {
    gauge.takenIn(performance.now());
    handOvers.taken();
  }
  if (message.type === 'overloaded') overloadedAt = performance.now();
  // Stops accepting; what was handed over is still taken in before the channel closes.
  if (message.type === 'close') {
    closing = true;
    server.close();
  }
  leaveIfDone();
});
// The gateway is gone or done: the process ends once the refusals still being answered are (or soon after).
process.on('disconnect', () => {
  for (const { socket } of handOvers.drain()) socket.destroy();
  server.close();
  clearInterval(report);
  setTimeout(() => process.exit(0), IDLE_TIMEOUT_MS).unref();
});
