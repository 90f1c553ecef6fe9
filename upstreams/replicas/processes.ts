/**
 * One part of the stack as its own process, run from its own entry point (or its bundle) as it is
 * deployed: started on a port, awaited until it answers, stopped with SIGTERM. Used by `npm start --
 * --replicas N` and by the bench's topology.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface PartProcess {
  name: string;
  child: ChildProcess;
  port: number;
  /** Base URL, e.g. http://127.0.0.1:4000 */
  base: string;
}

export interface PartOptions {
  name: string;
  /** The entry point, run with `node --import tsx` (or plain `node`: see `tsx`). */
  script: string;
  /** false: `script` is JavaScript (a bundle, gateway/build/bundle-entry.ts), run without the TypeScript loader. Default true. */
  tsx?: boolean;
  args?: string[];
  /** Node options before the script (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** A fixed port, or 0 for a free one. */
  port: number;
  /** The address it listens on, as the HOST it is given (default, and for a wildcard such as 0.0.0.0: 127.0.0.1). */
  host?: string;
  /** The process's whole env, given the port it is to listen on. */
  env: (port: number) => NodeJS.ProcessEnv;
  /** What answers 200 once it is ready (default /health). */
  readyPath?: string;
  /** Its stdout shown among ours, or dropped (its stderr is always shown). */
  stdout: 'inherit' | 'ignore';
  timeoutMs?: number;
  /** Hears each child as it is spawned, before it is ready: a caller that stops everything on a failure elsewhere stops it too. */
  onSpawn?: (child: ChildProcess) => void;
}

const DEFAULT_TIMEOUT_MS = 120_000;
// A free port is free only a moment: another program may take it before the child listens.
const FREE_PORT_ATTEMPTS = 3;

/** Starts it and resolves once it is ready; a child that does not get there is stopped and the error thrown. */
export async function startPartProcess(options: PartOptions): Promise<PartProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port === 0 ? await freePort() : options.port;
    const loader = options.tsx === false ? [] : ['--import', 'tsx'];
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, options.script, ...(options.args ?? [])], {
      env: options.env(port),
      stdio: ['ignore', options.stdout, 'pipe'],
    });
    options.onSpawn?.(child);
    // Its stderr is held until it is ready (then shown, and from then on as it comes), so that a start
    // tried again on another port does not print the first one's EADDRINUSE.
    const held: Buffer[] = [];
    child.stderr!.on('data', (chunk: Buffer) => held.push(chunk));
    const showStderr = () => {
      child.stderr!.removeAllListeners('data');
      held.forEach((chunk) => process.stderr.write(chunk));
      child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    };
    const base = `http://${reachable(options.host)}:${port}`;
    try {
      await waitUntilReady(options.name, child, `${base}${options.readyPath ?? '/health'}`, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      showStderr();
      return { name: options.name, child, port, base };
    } catch (err) {
      await stopChild(child);
      const again = err instanceof ExitedEarly && options.port === 0 && attempt < FREE_PORT_ATTEMPTS && Buffer.concat(held).includes('EADDRINUSE');
      if (!again) {
        showStderr();
        throw err;
      }
    }
  }
}

export const reachable = (host = '') => (['', '0.0.0.0', '::'].includes(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host);

export class ExitedEarly extends Error {}

async function waitUntilReady(name: string, child: ChildProcess, url: string, timeoutMs: number): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => { exited = String(code ?? signal); });
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (exited !== undefined) throw new ExitedEarly(`${name} exited before it was ready (${exited})`);
    // Bounded: a port taken meanwhile by some other program may accept and never answer.
    if (await fetch(url, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} was not ready within ${timeoutMs / 1000} s (${url})`);
}

/** SIGTERM to a child we started; resolves once it is gone (SIGKILL after `killAfterMs`). */
export function stopChild(child: ChildProcess, killAfterMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => { clearTimeout(force); resolve(); });
    child.kill('SIGTERM');
  });
}

/** A loopback port that was free a moment ago (nothing listens on it when this returns). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
