/**
 * Global set-up: the one place that decides which PostgreSQL server the PostgreSQL tests use, handed to
 * the test files as inject('testDatabase'). TEST_DATABASE_URL, else DATABASE_URL, when set (a machine
 * with a running server; it must answer, or the run stops here); otherwise a throwaway server started
 * for this run (test/support/embedded-postgres.ts), stopped and its data directory removed at the end.
 * Never a server no one named: without either variable the run does not look at 127.0.0.1:5432.
 * Each test file makes schemas of its own on the server.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import type { EmbeddedServer } from '../support/embedded-postgres.ts';

export interface TestDatabase {
  url: string;
  /** The variable that named the server, or 'embedded' for the throwaway one. */
  source: 'TEST_DATABASE_URL' | 'DATABASE_URL' | 'embedded';
  /** The throwaway server's data directory; null for a named server. */
  dataDir: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: TestDatabase;
  }
}

/** The server the environment names, if any (an empty variable names none). */
export function namedDatabase(env: NodeJS.ProcessEnv): TestDatabase | null {
  if (env.TEST_DATABASE_URL) return { url: env.TEST_DATABASE_URL, source: 'TEST_DATABASE_URL', dataDir: null };
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, source: 'DATABASE_URL', dataDir: null };
  return null;
}

export default async function setup(project: TestProject) {
  const named = namedDatabase(process.env);
  if (named) {
    await mustAnswer(named);
    project.provide('testDatabase', named);
    console.log(`PostgreSQL tests: the server at ${named.source} (${new URL(named.url).host})`);
    return;
  }
  const { server, stop } = await startEmbedded();
  project.provide('testDatabase', { url: server.url, source: 'embedded', dataDir: server.dataDir });
  console.log(`PostgreSQL tests: a throwaway PostgreSQL ${server.version} at ${new URL(server.url).host} `
    + `(initdb ${server.initdbMs} ms, start ${server.startMs} ms; set DATABASE_URL to use a running server)`);
  return stop;
}

async function mustAnswer(named: TestDatabase): Promise<void> {
  const client = new pg.Client({ connectionString: named.url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`${named.source}: no PostgreSQL answers at ${new URL(named.url).host} (${reason}); unset it to test on a throwaway server`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A start that takes longer has hung (initdb and start take seconds even on a loaded machine). */
const START_TIMEOUT_MS = 120_000;

/** Starts the server in a child process, which stops it when its stdin closes. */
async function startEmbedded(): Promise<{ server: EmbeddedServer; stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('../support/embedded-postgres.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const firstLine = once(createInterface({ input: child.stdout }), 'line').then(([line]) => line as string);
  const timer = setTimeout(() => child.kill('SIGTERM'), START_TIMEOUT_MS);
  const exitedEarly = exited.then(([code, signal]) => {
    throw new Error(signal ? `embedded PostgreSQL did not start within ${START_TIMEOUT_MS / 1000} s` : `embedded PostgreSQL exited with code ${code} before it was ready`);
  });
  exitedEarly.catch(() => undefined); // once it is ready, its exit at the end of the run is no error
  const line = await Promise.race([firstLine, exitedEarly]).finally(() => clearTimeout(timer));
  const server = JSON.parse(line) as EmbeddedServer;
  return {
    server,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
