/** The bench's printed table: one block per scenario, one line per gateway. */
import type { GatewayFigures } from './aggregate.ts';
import type { GatewayKind } from './topology.ts';
import type { AloneLatency } from './alone.ts';

export interface ScenarioReport {
  name: string;
  description: string;
  clients: number;
  /** Dependent upstream levels of one traced operation, per gateway. */
  levels: Partial<Record<GatewayKind, number>>;
  /** This gateway's longest chain of dependent upstream calls: "hubspot POST /crm/… → shopify POST /admin/…". */
  chain: string;
  figures: Partial<Record<GatewayKind, GatewayFigures>>;
  /** One client alone, per gateway: the latency to set beside the bound. */
  alone: Partial<Record<GatewayKind, AloneLatency>>;
}

const LABEL: Record<GatewayKind, string> = { ours: 'this gateway', baseline: 'baseline', hive: 'Hive Gateway' };
const mb = (bytes: number | null) => (bytes === null ? 'n/a' : `${Math.round(bytes / 1024 / 1024)} MB`);
const fixed = (n: number | null, digits = 1) => (n === null ? 'n/a' : n.toFixed(digits));

export function formatScenario(report: ScenarioReport, latencyMs: number): string {
  const baseline = report.figures.baseline;
  const header = ['gateway'.padEnd(13), 'ops/s'.padStart(7), 'p50'.padStart(6), 'p95'.padStart(6), 'p99'.padStart(6), 'bound'.padStart(6),
    'up/op'.padStart(6), 'cpu ms/op'.padStart(9), 'peak RSS'.padStart(8), '× base'.padStart(6), ' errors / stale reads'].join(' ');
  const lines = Object.entries(report.figures).map(([kind, f]) => {
    const levels = report.levels[kind as GatewayKind];
    const errors = Object.entries(f.errors).map(([code, n]) => `${n} ${code}`).join(', ') || 'none';
    return [LABEL[kind as GatewayKind].padEnd(13), fixed(f.rps).padStart(7), fixed(f.p50Ms, 0).padStart(6), fixed(f.p95Ms, 0).padStart(6),
      fixed(f.p99Ms, 0).padStart(6), (levels === undefined ? 'n/a' : String(levels * latencyMs)).padStart(6), fixed(f.upstreamCallsPerOp).padStart(6),
      fixed(f.cpuMsPerOp).padStart(9), mb(f.peakRssBytes).padStart(8), (baseline ? fixed(f.rps / baseline.rps, 2) : 'n/a').padStart(6),
      ` ${errors} / ${f.stale}`].join(' ');
  });
  const levelNote = Object.entries(report.levels).map(([kind, n]) => `${LABEL[kind as GatewayKind]} ${n}`).join(', ');
  const aloneNote = Object.entries(report.alone).map(([kind, a]) => {
    const bound = (report.levels[kind as GatewayKind] ?? 0) * latencyMs;
    const over = Math.round(a.p50Ms - bound);
    return `${LABEL[kind as GatewayKind]} p50 ${fixed(a.p50Ms, 0)} (bound ${bound} ${over >= 0 ? `+ ${over}` : `- ${-over}`}), p95 ${fixed(a.p95Ms, 0)}`;
  }).join('; ');
  const aloneOps = Object.values(report.alone)[0]?.ops ?? 0;
  return [`${report.name}: ${report.description}; ${report.clients} clients`,
    `  dependent upstream levels of one traced operation: ${levelNote} (bound = levels × ${latencyMs} ms)`,
    `  this gateway's chain: ${report.chain || 'none'}`,
    `  ${header}`, ...lines.map((l) => `  ${l}`),
    `  one client alone (${aloneOps} operations each, ms): ${aloneNote}`].join('\n');
}
