/** The figures `npm run load` prints: one table row per phase, then the heavy client and the p99 ratio. */
import type { Calibration } from './calibrate.ts';
import type { PhaseResult } from './phase.ts';
import { describeShape } from './queries.ts';
import type { Tally } from './tally.ts';

const ms = (value: number | null) => (value === null ? '-' : value.toFixed(0));
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : (bytes / 1024 / 1024).toFixed(0));

/** Columns padded to their widest cell; numbers right-aligned. */
export function formatTable(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((row) => row.map((cell, i) => (/^[\d.×-]+$/.test(cell) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n');
}

/** A table row; `peakRss` undefined leaves the column empty (the heavy client's row shares its phase's figure). */
function row(label: string, tally: Tally, elapsedS: number, peakRss?: number | null): string[] {
  return [
    label, String(tally.requests), String(tally.ok), tally.describeErrors(), String(tally.rateLimited),
    ms(tally.percentile(50)), ms(tally.percentile(99)), ms(tally.percentile(100)), (tally.requests / elapsedS).toFixed(1), peakRss === undefined ? '' : mb(peakRss),
  ];
}

const label = (phase: PhaseResult, clients: number) => (phase.heavy ? `${clients} clients + heavy` : `${clients} clients alone`);

/** One row per phase: each process's CPU use in % of one core. */
function cpuRows(phases: PhaseResult[], clients: number): string[][] {
  const names = Object.keys(phases[0]?.cpuPercent ?? {});
  return [
    ['CPU, % of one core', ...names],
    ...phases.map((p) => [label(p, clients), ...names.map((n) => (p.cpuPercent[n] === null ? 'n/a' : p.cpuPercent[n]!.toFixed(0)))]),
  ];
}

export function formatReport(phases: PhaseResult[], clients: number): string {
  const header = ['phase', 'requests', 'ok', 'errors by code', '429', 'p50 ms', 'p99 ms', 'max ms', 'req/s', 'gateway peak RSS MB'];
  const rows = [header];
  for (const phase of phases) {
    rows.push(row(label(phase, clients), phase.clients, phase.elapsedS, phase.peakRssBytes));
    if (phase.heavy) rows.push(row('  heavy client', phase.heavy, phase.elapsedS));
  }
  const lines = [formatTable(rows), '', formatTable(cpuRows(phases, clients))];
  const [alone, abused] = phases;
  if (abused?.heavyCutOffMs != null) lines.push(`\nThe heavy client's last request was cut off by the end of the phase after ${abused.heavyCutOffMs.toFixed(0)} ms (not counted).`);
  const p99Alone = alone?.clients.percentile(99);
  const p99Abused = abused?.clients.percentile(99);
  if (p99Alone && p99Abused) lines.push(`\np99 with the heavy client / without: ${(p99Abused / p99Alone).toFixed(2)}×`);
  return lines.join('\n');
}

/** The heavy request found, how many candidates the limits refused, and what the last cost refusal said. */
export function formatCalibration(calibration: Calibration): string {
  const refusals = [...calibration.refusalCodes].map(([code, n]) => `${code} ${n}`).join(', ') || 'none';
  const { accepted, lastCostRefusal: cost } = calibration;
  const errors = accepted.codes.length > 0 ? `, errors ${accepted.codes.join(', ')}` : '';
  return [
    `Heavy request: ${describeShape(calibration.shape)} (${calibration.query.length} characters)`,
    `  accepted after ${calibration.refused} refused candidates (${refusals}); one run: HTTP ${accepted.status} in ${accepted.latencyMs.toFixed(0)} ms${errors}`,
    ...(cost ? [`  the last cost refusal said: cost ${JSON.stringify(cost.cost)}, limit ${JSON.stringify(cost.limit)}`] : []),
  ].join('\n');
}
