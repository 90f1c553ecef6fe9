/**
 * `npm start -- --replicas N` (issue 15): upstreams/start.ts as a child process, with 2 replicas on free
 * ports over a PostgreSQL schema of its own: every URL printed, both gateways answering, a write through
 * one seen through the other, a clean stop. And the refusals of what cannot start, on one line each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { MAX_REPLICAS, readReplicaCount, readReplicaPorts } from '../../upstreams/replicas/options.ts';
import { replicaPath } from '../../upstreams/replicas/stack.ts';
import { TEST_DATABASE_URL } from '../sync/support/store-backends.ts';
import { devToken } from '../support/dev-token.ts';
import { freePort } from '../support/ports.ts';
import { createTestSchema, type TestSchema } from '../support/postgres-schema.ts';

const START = fileURLToPath(new URL('../../upstreams/start.ts', import.meta.url));

/** start.ts with `args` and `env` on top of this process's env (DATABASE_URL and REPLICAS removed unless given). */
function startScript(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; stdout: () => string; stderr: () => string; exit: Promise<number | null> } {
  const { DATABASE_URL: _ignored, REPLICAS: _too, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', START, ...args], { env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => { stdout += chunk; });
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk; });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

describe('the replica count and ports', () => {
  const pg = { DATABASE_URL: 'postgres://127.0.0.1:5432/test' };

  it('is 1 unless --replicas or REPLICAS says otherwise, the command line first', () => {
    expect(readReplicaCount([], {})).toBe(1);
    expect(readReplicaCount([], { REPLICAS: '3', ...pg })).toBe(3);
    expect(readReplicaCount(['--replicas', '2'], { REPLICAS: '3', ...pg })).toBe(2);
    expect(readReplicaCount(['--replicas=1'], { REPLICAS: '3' })).toBe(1);
  });

  it('refuses what is not a whole number from 1 to the maximum, naming where it came from', () => {
    for (const bad of ['0', '-1', '2.5', 'two', '', String(MAX_REPLICAS + 1)]) {
      expect(() => readReplicaCount([`--replicas=${bad}`], pg)).toThrow(`--replicas must be a whole number from 1 to ${MAX_REPLICAS}: "${bad}".`);
    }
    expect(() => readReplicaCount([], { REPLICAS: '0', ...pg })).toThrow(`REPLICAS must be a whole number from 1 to ${MAX_REPLICAS}: "0".`);
    expect(() => readReplicaCount(['--replicas'], pg)).toThrow(/--replicas/);
    expect(() => readReplicaCount(['--replica', '2'], pg)).toThrow(/Unknown option '--replica'.*--replicas N only/);
  });

  it('refuses more than one without DATABASE_URL', () => {
    expect(() => readReplicaCount(['--replicas', '2'], {})).toThrow('--replicas 2 needs DATABASE_URL=postgres://…');
    expect(() => readReplicaCount([], { REPLICAS: '4' })).toThrow('REPLICAS 4 needs DATABASE_URL=postgres://…');
  });

  it('puts gateways from PORT and sync services from SYNC_PORT, and refuses two parts on one port', () => {
    expect(readReplicaPorts({}, 2)).toEqual({ gateway: 4000, sync: 4005, subgraphs: [0, 0, 0, 0], standIns: [4101, 4102, 4103, 4104] });
    expect(readReplicaPorts({ PORT: '5000', SYNC_PORT: '5100', CRM_PORT: '5200' }, 8).subgraphs).toEqual([5200, 0, 0, 0]);
    expect(() => readReplicaPorts({}, 6)).toThrow('gateway replica 6 and sync replica 1 would both listen on port 4005');
    expect(() => readReplicaPorts({ CRM_PORT: '4001' }, 2)).toThrow('gateway replica 2 and the CRM subgraph would both listen on port 4001');
    expect(() => readReplicaPorts({ SYNC_PORT: '4100' }, 3)).toThrow('sync replica 2 and the HubSpot stand-in would both listen on port 4101');
    expect(() => readReplicaPorts({ SYNC_PORT: '65535' }, 2)).toThrow('sync replica 2 would listen on port 65536, past 65535');
    expect(() => readReplicaPorts({ PORT: 'x' }, 2)).toThrow('PORT must be a port number from 0 to 65535: "x".');
  });

  it('gives each gateway replica after the first an audit file of its own beside the configured one', () => {
    expect(replicaPath('/data/audit.db', 1)).toBe('/data/audit.db');
    expect(replicaPath('/data/audit.db', 2)).toBe('/data/audit-2.db');
    expect(replicaPath('/data/audit', 3)).toBe('/data/audit-3');
    expect(replicaPath(':memory:', 2)).toBe(':memory:');
  });
});

describe('npm start refusing to start', () => {
  it('says on one line, exit code 2, that more than one replica needs DATABASE_URL', async () => {
    const run = startScript(['--replicas', '2'], {});
    expect(await run.exit).toBe(2);
    expect(run.stderr().trim()).toBe('Could not start: --replicas 2 needs DATABASE_URL=postgres://…: the sync replicas share their outbox, idempotency keys and webhook inbox in one PostgreSQL (the SQLite file is one process at a time).');
    expect(run.stdout()).toBe('');
  });

  it('says on one line, exit code 1, that the PostgreSQL does not answer, before starting anything', async () => {
    const closed = await freePort();
    const run = startScript(['--replicas', '2'], { DATABASE_URL: `postgres://postgres:secret-password@127.0.0.1:${closed}/test` });
    expect(await run.exit).toBe(1);
    expect(run.stderr().trim()).toBe(`Could not start: the PostgreSQL at DATABASE_URL does not answer: connect ECONNREFUSED 127.0.0.1:${closed}`);
    expect(run.stdout()).not.toContain('listening');
  });

  it('says on one line, exit code 2, that REPLICAS is out of range', async () => {
    const run = startScript([], { REPLICAS: '0' });
    expect(await run.exit).toBe(2);
    expect(run.stderr().trim()).toBe(`Could not start: REPLICAS must be a whole number from 1 to ${MAX_REPLICAS}: "0".`);
  });
});

describe('npm start -- --replicas 2 over one PostgreSQL', () => {
  let schema: TestSchema;
  let run: ReturnType<typeof startScript>;
  let gateways: string[] = [];
  let syncs: string[] = [];
  let token = '';

  beforeAll(async () => {
    token = await devToken();
    schema = await createTestSchema(TEST_DATABASE_URL);
    const dir = mkdtempSync(join(tmpdir(), 'gateway-start-replicas-'));
    // Every port free (0: each part a free one), the logs to the run's folder.
    run = startScript(['--replicas', '2'], {
      DATABASE_URL: schema.url, PORT: '0', SYNC_PORT: '0', HUBSPOT_STANDIN_PORT: '0', ODOO_STANDIN_PORT: '0', SHOPIFY_STANDIN_PORT: '0', MASTODON_STANDIN_PORT: '0',
      AUDIT_DB_PATH: join(dir, 'audit.db'), SYNC_DB_PATH: join(dir, 'unused.db'), LOG_LEVEL: 'info', LOG_FILE: join(inject('logDir'), `start-replicas-${process.pid}.log`),
      COST_BUDGET_PER_MINUTE: '1000000000', OUTBOX_INTERVAL_MS: '50',
    });
    const ready = await Promise.race([
      new Promise<boolean>((resolve) => run.child.stdout!.on('data', () => { if (run.stdout().includes('Try (every request')) resolve(true); })),
      run.exit.then(() => false),
    ]);
    if (!ready) throw new Error(`npm start exited:\n${run.stdout()}\n${run.stderr()}`);
    const line = (prefix: string) => run.stdout().split('\n').find((l) => l.startsWith(prefix)) ?? '';
    gateways = [...line('Gateways:').matchAll(/gateway \d+ (http:\S+)/g)].map((m) => m[1]);
    syncs = [...line('Sync:').matchAll(/sync \d+ (http:\S+)/g)].map((m) => m[1]);
  // Two sync processes and two gateways compiling with tsx at once, on shared cores.
  }, 180_000);

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGTERM');
      await run.exit;
    }
    await schema?.drop();
  }, 60_000);

  async function gql(url: string, query: string, variables?: Record<string, unknown>) {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
    return (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  }
  const READ = `query($email: String!) { customers(first: 1, filter: { email: $email }) { edges { node { id version lastName } } } }`;
  const UPDATE = `mutation($id: ID!, $v: String!, $input: UpdateCustomerInput!) { updateCustomer(id: $id, expectedVersion: $v, input: $input) { sync { system status } } }`;
  const read = async (url: string) => (await gql(url, READ, { email: 'dennis.hopper0@example.com' })).data.customers.edges[0].node;

  it('prints two gateways and two sync services, each on its own port', () => {
    expect(gateways).toHaveLength(2);
    expect(syncs).toHaveLength(2);
    expect(new Set([...gateways, ...syncs]).size).toBe(4);
    expect(run.stdout()).toMatch(/gateway 1 \S+ \(→ sync 1\)  gateway 2 \S+ \(→ sync 2\)/);
    expect(run.stdout()).not.toContain(schema.url);
  });

  it('answers through both gateways, and both sync services are up', async () => {
    const [a, b] = await Promise.all(gateways.map(read));
    expect(a.id).toBeTruthy();
    expect(b).toEqual(a);
    for (const sync of syncs) expect((await fetch(sync.replace(/\/graphql$/, '/health'))).status).toBe(200);
  });

  it('shows a write through gateway 1 through gateway 2 at once', async () => {
    const before = await read(gateways[1]);
    const written = await gql(gateways[0], UPDATE, { id: before.id, v: before.version, input: { lastName: 'Replicated' } });
    expect(written.data?.updateCustomer.sync.map((s: { status: string }) => s.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED']);
    const after = await read(gateways[1]);
    expect(after.lastName).toBe('Replicated');
    expect(after.version).not.toBe(before.version);
  });

  it('stops every replica on SIGINT and exits 0', async () => {
    run.child.kill('SIGINT');
    expect(await run.exit).toBe(0);
    for (const url of [...gateways, ...syncs]) await expect(fetch(url.replace(/\/graphql$/, '/health'))).rejects.toThrow();
  }, 60_000);
});
