/**
 * The acceptor: a small process of its own (Node's built-ins only) that owns the gateway's listening
 * socket, accepts every connection at once (its event loop has nothing else to do) and hands each to the
 * gateway over IPC; or, when the gateway would take it in too late
 * (intake-gauge.ts), reads the request and answers it 503 OVERLOADED with Retry-After itself, within
 * milliseconds. Without it, under overload the excess waited unanswered in the kernel's accept queue,
 * drained one connection per turn of a busy gateway's loop, until clients timed out. Probes (GET /health,
 * /healthz, /readyz, /metrics) are handed over even then, with what was read of them. Started by
 * acceptor.ts; exits when the gateway goes.
 */
import { createServer, type Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { IntakeGauge } from './intake-gauge.ts';
import { SETTINGS_ENV, STRICT_FOR_MS, type AcceptorMessage, type AcceptorSettings, type GatewayMessage } from './acceptor-messages.ts';

/** A refused client gets this long to send its request, and to close after the answer. */
const READ_TIMEOUT_MS = 2_000;
const REPORT_INTERVAL_MS = 1_000;
const PROBE = /^GET \/(?:health|healthz|readyz|metrics)(?:[?# ]|$)/;

const settings = JSON.parse(process.env[SETTINGS_ENV] ?? 'null') as AcceptorSettings | null;
if (!settings || !process.send) throw new Error('The acceptor runs as a child of the gateway (acceptor.ts).');
const tell = (message: AcceptorMessage, socket?: Socket) => process.send!(message, socket);

const gauge = new IntakeGauge(settings.maxWaitMs, settings.maxBurstWaitMs, settings.maxBurstWaiting);
let refused = 0;
/** When the gateway last said it refused a request for overload. */
let overloadedAt = -Infinity;

const handOver = (socket: Socket, head?: Buffer) => {
  // The gateway is gone: nothing to hand it to (the listening socket is closing).
  if (!process.connected) return void socket.destroy();
  gauge.handedOver(performance.now());
  tell({ type: 'connection', ...(head && { head: head.toString('base64') }) }, socket);
};

/** Reads the request line; a probe is handed over anyway, anything else answered with the refusal. */
const refuse = (socket: Socket) => {
  socket.setTimeout(READ_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.once('data', (chunk: Buffer) => {
    if (PROBE.test(chunk.toString('latin1', 0, 64))) {
      socket.pause();
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      return handOver(socket, chunk);
    }
    refused += 1;
    socket.end(refusalResponse());
    // Read what the client still sends until it closes: closing with unread data would reset the connection and lose the answer.
    socket.on('data', () => {});
  });
  socket.resume();
};

const { status, reason, headers, body: refusalBody } = settings.refusal;
const refusalResponse = () => {
  const requestId = randomUUID();
  const text = JSON.stringify(withRequestId(refusalBody, requestId));
  const lines = Object.entries({ ...headers, 'x-request-id': requestId, connection: 'close', 'content-length': String(Buffer.byteLength(text)) }).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${reason}\r\n${lines.join('\r\n')}\r\n\r\n${text}`;
};

/** Every error of the body names the refusal's request id, as the gateway's own errors do. */
function withRequestId(body: typeof refusalBody, requestId: string) {
  return { ...body, errors: body.errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } })) };
}

const server = createServer({ pauseOnConnect: true }, (socket) => {
  const now = performance.now();
  if (gauge.admits(now, now - overloadedAt < STRICT_FOR_MS)) handOver(socket);
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
  if (message.type === 'taken') gauge.takenIn(performance.now());
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
  server.close();
  clearInterval(report);
  setTimeout(() => process.exit(0), READ_TIMEOUT_MS).unref();
});
