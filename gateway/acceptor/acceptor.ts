/**
 * Starts the acceptor process (acceptor-process.ts) for an HTTP server that does not listen itself:
 * the acceptor listens on the gateway's port and hands over the connections the gateway can take in soon
 * (emitted on the server as if it had accepted them, the acceptor told each time), and refuses the rest
 * itself with `refusal`. An acceptor that dies is started again on the same port; the gateway's close()
 * closes it first (no new connections), once it has handed over what it accepted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { oncePer } from '../once-per.ts';
import { OVERLOADED_NOTICE_MS, SETTINGS_ENV, type AcceptorMessage, type AcceptorSettings, type GatewayMessage } from './acceptor-messages.ts';

/**
 * Set only in a bundled gateway (gateway/build/bundle-entry.ts): where the acceptor was bundled beside it,
 * relative to this file's source. Then it runs with plain node; else its source runs under tsx.
 */
declare const ACCEPTOR_BUNDLE_URL: string | undefined;
const BUNDLED_ACCEPTOR = typeof ACCEPTOR_BUNDLE_URL === 'string' ? ACCEPTOR_BUNDLE_URL : null;
const ACCEPTOR_SCRIPT = fileURLToPath(new URL(BUNDLED_ACCEPTOR ?? './acceptor-process.ts', import.meta.url));
const ACCEPTOR_NODE_ARGS = BUNDLED_ACCEPTOR ? [] : ['--import', 'tsx'];
/** The project folder: tsx (for the source) is resolved from there. */
const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** An acceptor that dies within this of its start is not started again (it would die again: the port is gone, say). */
const MIN_LIFETIME_MS = 5_000;

export interface Acceptor {
  port: number;
  /** The acceptor process's id, as it is now (it changes when the process is started again). */
  readonly pid: number;
  /** The gateway refused a request for overload: the acceptor refuses connections it would take in late for a while. */
  overloaded(): void;
  /** Stops accepting; resolves once every connection the acceptor accepted and did not refuse is handed over. */
  close(): Promise<void>;
}

export interface AcceptorEvents {
  /** Connections the acceptor refused since its last report. */
  refused(count: number): void;
  /** The acceptor died and was started again, or could not be. */
  restarted(err: Error | null): void;
}

/** Resolves once the acceptor listens (with the port it got); rejects if it cannot listen (EADDRINUSE, say). */
export async function openAcceptor(server: Server, settings: AcceptorSettings, events: AcceptorEvents, minLifetimeMs = MIN_LIFETIME_MS): Promise<Acceptor> {
  let closing = false;
  let acceptor = await startAcceptor(server, settings, events);
  const port = acceptor.port;
  let startedAt = performance.now();

  const watch = (child: ChildProcess) => child.once('exit', () => {
    if (closing) return;
    if (performance.now() - startedAt < minLifetimeMs) return events.restarted(new Error('The acceptor process exited right after it started; it is not started again.'));
    startedAt = performance.now();
    startAcceptor(server, { ...settings, port }, events).then((next) => {
      // The gateway began closing meanwhile: the new one goes too.
      if (closing) return void next.close();
      acceptor = next;
      watch(next.child);
      events.restarted(null);
    }, (err: Error) => events.restarted(err));
  });
  watch(acceptor.child);

  return {
    port,
    get pid() { return acceptor.child.pid!; },
    overloaded: oncePer(OVERLOADED_NOTICE_MS, () => acceptor.tell({ type: 'overloaded' })),
    close: () => {
      closing = true;
      return acceptor.close();
    },
  };
}

interface RunningAcceptor {
  child: ChildProcess;
  port: number;
  tell(message: GatewayMessage): void;
  close(): Promise<void>;
}

function startAcceptor(server: Server, settings: AcceptorSettings, events: AcceptorEvents): Promise<RunningAcceptor> {
  const child = fork(ACCEPTOR_SCRIPT, [], {
    cwd: PROJECT_ROOT,
    execArgv: ACCEPTOR_NODE_ARGS,
    env: { ...process.env, [SETTINGS_ENV]: JSON.stringify(settings) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const tell = (message: GatewayMessage) => { if (child.connected) child.send(message); };
  // The acceptor leaves the channel once it has handed over everything it accepted (its refusals may linger a moment longer).
  const handedAll = new Promise<void>((resolve) => child.once('disconnect', () => resolve()));

  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`The acceptor process exited (code ${code}) before it listened.`)));
    child.on('message', (message: AcceptorMessage, socket?: Socket) => {
      switch (message.type) {
        case 'connection':
          // Without its socket when the client closed it as it was sent: still taken, for the acceptor's count.
          if (socket) {
            server.emit('connection', socket);
            // What the acceptor read of the request goes to the HTTP parser first (it reads the socket's
            // handle directly once connected, so unshift() would not reach it; its 'data' listener does).
            if (message.head) socket.emit('data', Buffer.from(message.head, 'base64'));
          }
          tell({ type: 'taken' });
          return;
        case 'refused':
          return events.refused(message.count);
        case 'listening':
          return resolve({
            child, port: message.port, tell,
            close: async () => {
              tell({ type: 'close' });
              await handedAll;
            },
          });
        case 'failed':
          return reject(Object.assign(new Error(message.message), message.code && { code: message.code }));
      }
    });
  });
}
