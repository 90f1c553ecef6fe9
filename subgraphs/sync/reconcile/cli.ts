/**
 * `npm run sync -- [--since 2026-11-20 | --since 2h] [--dry-run] [--json] [--url http://127.0.0.1:4005]`:
 * runs a reconciliation pass on the running sync service (started by `npm start`), showing progress
 * per feed and a summary per system. --since reads every feed from that time instead of its cursor
 * (an ISO date or date-time, or a duration back from now: 30m, 2h, 7d). --json prints the summary as
 * JSON on stdout. Exit code 0 when the pass finished without failures, 1 otherwise, 2 for bad usage.
 */
import { parseArgs } from 'node:util';
import { readInternalAuthConfig } from '../../shared/config.ts';
import { requestPass } from './client.ts';
import { progressView, summaryText } from './cli-output.ts';

const usage = 'Usage: npm run sync -- [--since <ISO date | 30m | 2h | 7d>] [--dry-run] [--json] [--url <sync service URL>]';
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const CUT_OFF = 'The sync service closed the connection before the pass finished (did it stop?). Run npm run sync again: it resumes from the cursors.';

/** An ISO date as given, or a duration back from now as an ISO date-time; null when neither. */
function sinceArgument(value: string, now: number): string | null {
  const duration = /^(\d+)([mhd])$/.exec(value);
  if (duration) return new Date(now - Number(duration[1]) * UNITS[duration[2]]).toISOString();
  return /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)) ? value : null;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { since: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, url: { type: 'string' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    return 2;
  }
  const since = values.since === undefined ? null : sinceArgument(values.since, Date.now());
  if (values.since !== undefined && since === null) {
    console.error(`--since must be an ISO date (2026-11-20, 2026-11-20T09:00:00Z) or a duration (30m, 2h, 7d): ${values.since}\n${usage}`);
    return 2;
  }
  const baseUrl = (values.url ?? process.env.SYNC_URL ?? `http://127.0.0.1:${process.env.SYNC_PORT ?? 4005}`).replace(/\/+(graphql)?\/?$/, '');
  const view = progressView(process.stderr);
  try {
    for await (const line of requestPass({ baseUrl, internalAuth: readInternalAuthConfig(process.env), since, dryRun: values['dry-run'] })) {
      if (line.type === 'progress') view.update(line);
      if (line.type === 'error') {
        view.stop();
        console.error(`${line.code}: ${line.message}`);
        return 1;
      }
      if (line.type === 'summary') {
        view.stop();
        console.log(values.json ? JSON.stringify(line.summary) : summaryText(line.summary));
        const failures = Object.values(line.summary.stats).reduce((n, s) => n + s.failures, 0);
        return line.summary.status === 'DONE' && failures === 0 ? 0 : 1;
      }
    }
  } catch (err) {
    view.stop();
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    console.error(cause === 'ECONNREFUSED' ? `The sync service is not reachable at ${baseUrl}: start it with npm start (or pass --url).` : CUT_OFF);
    return 1;
  }
  console.error(CUT_OFF);
  return 1;
}

process.exitCode = await main();
