/**
 * Global set-up: every stack started by a test logs to a file in one folder (at info level): the
 * gateway, the subgraphs and the sync service's workers, in-process or as child processes (LOG_FILE).
 * At the end of the run those logs are searched for tokens, email addresses and phone numbers. Finding
 * one fails the run.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    logDir: string;
  }
}

/** What must never be in a log: a JWT (any of ours starts with a base64url JSON header), an email address or an international phone number. */
const FORBIDDEN = [
  { what: 'a token', pattern: /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/ },
  { what: 'an email address', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/ },
  { what: 'a phone number', pattern: /\+\d[\d ()-]{6,}\d/ },
];

export default function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-logs-'));
  project.provide('logDir', dir);
  return () => {
    const files = readdirSync(dir);
    const findings = files.flatMap((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      return FORBIDDEN.filter((f) => f.pattern.test(text)).map((f) => `${file} contains ${f.what}`);
    });
    const lines = files.reduce((n, file) => n + readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean).length, 0);
    console.log(`log scan: ${files.length} log files, ${lines} lines, ${findings.length} leaks`);
    if (findings.length > 0) {
      // A teardown error alone does not fail vitest's run, so set the exit code too.
      process.exitCode = 1;
      throw new Error(`Logs leak private data:\n${findings.join('\n')}`);
    }
  };
}
