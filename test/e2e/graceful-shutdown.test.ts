/**
 * SIGTERM during a burst: the gateway and a subgraph, each as its own process (`node --import tsx …/main.ts`),
 * answer every request in flight in full, refuse new connections, and exit 0. The stand-ins and the
 * subgraphs the gateway process calls run in the test process; HubSpot is slowed so requests are in flight.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { standInEnv } from '../../upstreams/stack.ts';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite-store.ts';
import { useStack } from './harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { internalAuthHeader } from '../support/internal-token.ts';
import { freePort } from '../support/ports.ts';

const t = useStack();
const children: ChildProcess[] = [];
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));
afterEach(() => t.stack.standIns.hubspot.setFaults({}));

const QUERY = '{ customers(first: 1) { edges { node { id name } } } }';
const BURST = 50;
const main = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

/** Starts `node --import tsx <main>` with `env`; resolves once GET /health on `port` answers. */
async function startProcess(path: string, port: number, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main(path)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && child.exitCode === null;) {
    if (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} did not start on port ${port}.`);
}

const exitOf = (child: ChildProcess) => new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

/** Whether a new TCP connection to `port` is refused. */
const refusesConnections = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(false); });
  socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
});

/**
 * Fires BURST POSTs of QUERY at `url`, sends SIGTERM once they are in flight, and returns each answer
 * (status and parsed body, or the error that cut it), whether new connections were refused meanwhile, and the exit.
 */
async function burstThenTerminate(child: ChildProcess, url: string, port: number, headers: Record<string, string>) {
  const exit = exitOf(child);
  const post = () => fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: QUERY }),
  }).then(async (res) => ({ status: res.status, body: JSON.parse(await res.text()) }), (err: Error) => ({ status: 0, body: `${err.message}: ${(err.cause as { code?: string })?.code}` }));
  // A first request warms the process up, so that the burst's connections are all taken in well before the signal.
  expect(complete(await post())).toBe(true);
  const answers = Array.from({ length: BURST }, post);
  await new Promise((resolve) => setTimeout(resolve, 400));
  const sentAt = performance.now();
  child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const refused = await refusesConnections(port);
  return { answers: await Promise.all(answers), refused, exit: await exit, exitedAfterMs: performance.now() - sentAt };
}

const complete = (answer: { status: number; body: unknown }) =>
  answer.status === 200 && (answer.body as { data?: { customers?: { edges?: unknown[] } } }).data?.customers?.edges?.length === 1;

describe('SIGTERM during a burst', () => {
  it('lets a subgraph answer every request in flight in full, refuse new connections, and exit 0', async () => {
    const port = await freePort();
    const child = await startProcess('subgraphs/crm/main.ts', port, { ...standInEnv(t.stack.standIns), CRM_PORT: String(port), SHUTDOWN_GRACE_MS: '10000' });
    t.stack.standIns.hubspot.setFaults({ latencyMs: 1000 });

    const { answers, refused, exit, exitedAfterMs } = await burstThenTerminate(child, `http://127.0.0.1:${port}/graphql`, port, await internalAuthHeader('crm'));

    expect(answers.filter((a) => !complete(a))).toEqual([]);
    expect(refused).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(10_000);
  });

  it('lets the gateway answer every request in flight in full, refuse new connections, and exit 0', async () => {
    const port = await freePort();
    const s = t.stack.subgraphs;
    const child = await startProcess('gateway/main.ts', port, {
      PORT: String(port), LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '10000', AUDIT_DB_PATH: join(mkdtempSync(join(tmpdir(), 'gateway-shutdown-')), 'audit.db'),
      CRM_SUBGRAPH_URL: s.crm.url, ERP_SUBGRAPH_URL: s.erp.url, COMMERCE_SUBGRAPH_URL: s.commerce.url, SOCIAL_SUBGRAPH_URL: s.social.url, SYNC_SUBGRAPH_URL: s.sync!.url,
    });
    t.stack.standIns.hubspot.setFaults({ latencyMs: 1000 });

    const { answers, refused, exit } = await burstThenTerminate(child, `http://127.0.0.1:${port}/graphql`, port, await devAuthHeader());

    expect(answers.filter((a) => !complete(a))).toEqual([]);
    expect(refused).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('cuts what is still running when the grace period ends, and still exits 0', async () => {
    const port = await freePort();
    const child = await startProcess('subgraphs/crm/main.ts', port, { ...standInEnv(t.stack.standIns), CRM_PORT: String(port), SHUTDOWN_GRACE_MS: '300' });
    t.stack.standIns.hubspot.setFaults({ latencyMs: 3000 });

    const { answers, exit, exitedAfterMs } = await burstThenTerminate(child, `http://127.0.0.1:${port}/graphql`, port, await internalAuthHeader('crm'));

    expect(answers.filter(complete)).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(2500);
  });

  it('stops the sync service with its workers and closes its database, which opens again at once', async () => {
    const port = await freePort();
    const databasePath = join(mkdtempSync(join(tmpdir(), 'sync-shutdown-')), 'gateway.db');
    const child = await startProcess('subgraphs/sync/main.ts', port, {
      ...standInEnv(t.stack.standIns), SYNC_PORT: String(port), SYNC_DB_PATH: databasePath, OUTBOX_INTERVAL_MS: '50', SHUTDOWN_GRACE_MS: '10000',
    });
    const exit = exitOf(child);
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    // The exclusive lock is gone: a second opener would be refused while the process held the file.
    expect(() => openSqliteStore(databasePath).close()).not.toThrow();
  });
});
