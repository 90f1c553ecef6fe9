/** Runs `npm run sync` (the CLI itself, as a process) against a test stack's sync service. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { PassSummary } from '../../subgraphs/sync/reconcile/pass.ts';

const CLI = fileURLToPath(new URL('../../subgraphs/sync/reconcile/cli.ts', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args` against the sync subgraph at `syncGraphqlUrl`. */
export function runSyncCli(syncGraphqlUrl: string, args: string[] = []): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--url', syncGraphqlUrl.replace(/\/graphql$/, ''), ...args], {
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Runs the CLI with --json and returns the pass summary it printed (throws with its output when it printed none). */
export async function syncPass(syncGraphqlUrl: string, args: string[] = []): Promise<PassSummary & { exitCode: number | null }> {
  const run = await runSyncCli(syncGraphqlUrl, ['--json', ...args]);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (!line.startsWith('{')) throw new Error(`npm run sync printed no summary (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return { ...(JSON.parse(line) as PassSummary), exitCode: run.code };
}
