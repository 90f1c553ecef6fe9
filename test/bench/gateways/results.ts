/**
 * `bench/results/latest.json`, written by `npm run bench -- --quick`: one entry per scenario with the
 * project's gateway's figures and the baseline's throughput. A later run (or CI) reads it back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface ScenarioResult {
  name: string;
  rps: number;
  baselineRps: number;
  /** rps / baselineRps. */
  ratio: number;
  p50Ms: number;
  p99Ms: number;
  /** p50 of one client alone, operations one after another: the latency to set beside criticalPathMs (p50Ms is at the pass's clients, mostly queueing). */
  aloneP50Ms: number;
  /** Dependent upstream levels of one traced operation × the injected upstream latency. */
  criticalPathMs: number;
  upstreamCallsPerOp: number;
  /** Reads that, after a write to their customer was answered, still showed the value from before it. */
  staleReads: number;
}

export interface BenchResults {
  scenarios: ScenarioResult[];
}

const NUMBER_FIELDS = ['rps', 'baselineRps', 'ratio', 'p50Ms', 'p99Ms', 'aloneP50Ms', 'criticalPathMs', 'upstreamCallsPerOp', 'staleReads'] as const;

/** What is wrong with `value` as a BenchResults, one sentence per problem; [] when nothing is. */
export function resultsProblems(value: unknown): string[] {
  const scenarios = (value as { scenarios?: unknown } | null)?.scenarios;
  if (!Array.isArray(scenarios)) return ['"scenarios" must be an array.'];
  return scenarios.flatMap((s: Record<string, unknown>, i) => {
    const problems: string[] = [];
    if (typeof s?.name !== 'string' || s.name === '') problems.push(`scenarios[${i}].name must be a non-empty string: ${JSON.stringify(s?.name)}`);
    for (const field of NUMBER_FIELDS) {
      const n = s?.[field];
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) problems.push(`scenarios[${i}].${field} must be a finite number of at least 0: ${typeof n === 'number' ? n : JSON.stringify(n)}`);
    }
    if (typeof s?.staleReads === 'number' && !Number.isInteger(s.staleReads)) problems.push(`scenarios[${i}].staleReads must be an integer: ${s.staleReads}`);
    return problems;
  });
}

/** Writes `results` to `path` (creating its folder); throws on a malformed result rather than writing it. */
export function writeResults(path: string, results: BenchResults): void {
  const problems = resultsProblems(results);
  if (problems.length > 0) throw new Error(`Not writing ${path}: ${problems.join(' ')}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
}
