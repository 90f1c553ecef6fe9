/**
 * SIGTERM during a burst: the gateway and a subgraph, each as its own process (`node --import tsx …/main.ts`),
 * answer every request in flight in full, refuse new connections, and exit 0. The stand-ins and the
 * subgraphs the gateway process calls run in the test process. What the process under test calls goes
 * through a slow proxy that counts arrivals, so the signal is sent once every request of the burst is
 * provably in flight inside the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readBody } from '../../subgraphs/shared/read-body.ts';
import { readShutdownGraceMs } from '../../subgraphs/shared/config.ts';
import { standInEnv } from '../../upstreams/stack.ts';
import { openSqliteStore } from '../../subgraphs/sync/store/sqlite/store.ts';
import { useStack } from './harness.ts';
import { devAuthHeader } from '../support/dev-token.ts';
import { internalAuthHeader } from '../support/internal-token.ts';
import { freePort } from '../support/ports.ts';
import { createTestSchema } from '../support/postgres-schema.ts';
import { TEST_DATABASE_URL } from '../sync/support/store-backends.ts';
import { openGatewayDatabase } from '../../gateway/database/open-database.ts';
import { openPostgresAuditLog } from '../../gateway/audit/postgres-audit-log.ts';

const t = useStack();
const children: ChildProcess[] = [];
const proxies: Server[] = [];
afterAll(async () => {
  children.forEach((c) => c.kill('SIGKILL'));
  proxies.forEach((p) => p.close());
});

interface SlowProxy { url: string; arrived(): number }

/** Forwards each request to `target` (a base URL) after `delayMs`, counting the requests that arrived. */
async function slowProxy(target: string, delayMs: number): Promise<SlowProxy> {
  let arrived = 0;
  const server = createServer(async (req, res) => {
    arrived++;
    const body = await readBody(req, 10_000_000);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
    try {
      const upstream = await fetch(new URL(req.url ?? '/', target), { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
      res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(await upstream.text());
    } catch {
      // The target went away mid-test (a process stopped, its sockets closed): the caller sees a cut connection, as it would without the proxy.
      res.destroy();
    }
  });
  proxies.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, arrived: () => arrived };
}

/** Resolves once `condition` holds (checked every 20 ms), failing after 20 s. */
async function until(condition: () => boolean, state: () => string): Promise<void> {
  for (const deadline = Date.now() + 20_000; !condition();) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the burst to be in flight: ${state()}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The n-th request's query: each named apart, so that the gateway sends each to the subgraph rather than sharing identical reads in flight. */
const query = (n: number) => `query Burst${n} { customers(first: 1) { edges { node { id name } } } }`;
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
 * Fires BURST POSTs of distinct queries at `url`, sends SIGTERM once each has reached `proxy`, and returns each answer
 * (status and parsed body, or the error that cut it), whether new connections were refused meanwhile, and the exit.
 */
async function burstThenTerminate(child: ChildProcess, url: string, port: number, headers: Record<string, string>, proxy: SlowProxy) {
  const exit = exitOf(child);
  const post = (_: unknown, n: number) => fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query: query(n) }),
  }).then(async (res) => ({ status: res.status, body: JSON.parse(await res.text()) }), (err: Error) => ({ status: 0, body: `${err.message}: ${(err.cause as { code?: string })?.code}` }));
  const before = proxy.arrived();
  let settled = 0;
  const answers = Array.from({ length: BURST }, (_, n) => post(_, n).finally(() => { settled += 1; }));
  // Or every answer came back already (refused, say): the assertions then show what they were.
  await until(() => proxy.arrived() - before >= BURST || settled === BURST, () => `${proxy.arrived() - before} of ${BURST} at the proxy, ${settled} answered`);
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
    const hubspot = await slowProxy(t.stack.standIns.hubspot.url, 500);
    const child = await startProcess('subgraphs/crm/main.ts', port, { ...standInEnv(t.stack.standIns), HUBSPOT_URL: hubspot.url, CRM_PORT: String(port), SHUTDOWN_GRACE_MS: '10000' });

    const { answers, refused, exit, exitedAfterMs } = await burstThenTerminate(child, `http://127.0.0.1:${port}/graphql`, port, await internalAuthHeader('crm'), hubspot);

    expect(answers.filter((a) => !complete(a))).toEqual([]);
    expect(refused).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(10_000);
  });

  // Admission held at the burst's size: on a loaded machine a fresh gateway would refuse part of a burst whose
  // every request waits 500 ms at the proxy, and this test is about shutdown, not admission.
  it('lets the gateway answer every request in flight in full, refuse new connections, and exit 0', async () => {
    const port = await freePort();
    const s = t.stack.subgraphs;
    const crm = await slowProxy(s.crm.url, 500);
    const child = await startProcess('gateway/main.ts', port, {
      PORT: String(port), LOG_LEVEL: 'silent', SHUTDOWN_GRACE_MS: '10000', ADMISSION_MIN_CONCURRENT: String(BURST), AUDIT_DB_PATH: join(mkdtempSync(join(tmpdir(), 'gateway-shutdown-')), 'audit.db'),
      CRM_SUBGRAPH_URL: `${crm.url}/graphql`, ERP_SUBGRAPH_URL: s.erp.url, COMMERCE_SUBGRAPH_URL: s.commerce.url, SOCIAL_SUBGRAPH_URL: s.social.url, SYNC_SUBGRAPH_URL: s.sync!.url,
    });

    const { answers, refused, exit } = await burstThenTerminate(child, `http://127.0.0.1:${port}/graphql`, port, await devAuthHeader(), crm);

    expect(answers.filter((a) => !complete(a))).toEqual([]);
    expect(refused).toBe(true);
    expect(exit).toEqual({ code: 0, signal: null });
  });

  it('lets the gateway on PostgreSQL write its pending audit records before it exits 0', async () => {
    const schema = await createTestSchema(TEST_DATABASE_URL);
    try {
      const port = await freePort();
      const s = t.stack.subgraphs;
      const child = await startProcess('gateway/main.ts', port, {
        PORT: String(port), LOG_LEVEL: 'silent', DATABASE_URL: schema.url, AUDIT_FLUSH_MS: '60000',
        CRM_SUBGRAPH_URL: s.crm.url, ERP_SUBGRAPH_URL: s.erp.url, COMMERCE_SUBGRAPH_URL: s.commerce.url, SOCIAL_SUBGRAPH_URL: s.social.url, SYNC_SUBGRAPH_URL: s.sync!.url,
      });
      const exit = exitOf(child);
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', ...await devAuthHeader(undefined, { subject: 'shutdown-auditor' }) },
        body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { email } } } }' }),
      });
      expect((await res.json()).data.customers.edges).toHaveLength(1);
      const pool = await openGatewayDatabase(schema.url);
      try {
        const log = openPostgresAuditLog(pool);
        // Within the minute's batch: not written yet.
        expect(await log.bySubject('shutdown-auditor')).toEqual([]);
        child.kill('SIGTERM');
        expect(await exit).toEqual({ code: 0, signal: null });
        expect(await log.bySubject('shutdown-auditor')).toEqual([expect.objectContaining({ fields: ['Customer.email'] })]);
      } finally {
        await pool.end();
      }
    } finally {
      await schema.drop();
    }
  });

  it('cuts what is still running when the grace period ends, and still exits 0', async () => {
    const port = await freePort();
    const hubspot = await slowProxy(t.stack.standIns.hubspot.url, 3000);
    const child = await startProcess('subgraphs/crm/main.ts', port, { ...standInEnv(t.stack.standIns), HUBSPOT_URL: hubspot.url, CRM_PORT: String(port), SHUTDOWN_GRACE_MS: '300' });

    const { answers, exit, exitedAfterMs } = await burstThenTerminate(child, `http://127.0.0.1:${port}/graphql`, port, await internalAuthHeader('crm'), hubspot);

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

  it('waits 10 s by default, SHUTDOWN_GRACE_MS when set, and refuses a grace that is not a whole number of ms', async () => {
    expect(readShutdownGraceMs({})).toBe(10_000);
    expect(readShutdownGraceMs({ SHUTDOWN_GRACE_MS: '2500' })).toBe(2500);
    expect(() => readShutdownGraceMs({ SHUTDOWN_GRACE_MS: '1.5s' })).toThrow('SHUTDOWN_GRACE_MS must be an integer from 0 to 600000: 1.5s');
  });
});
