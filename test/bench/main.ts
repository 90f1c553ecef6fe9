/**
 * `npm run bench [-- <name>] [options]`: the benchmarks that are not tests (they take minutes and print
 * figures). With no name, or options only, the side-by-side gateway comparison (`gateways`), or with
 * `--replicas N` among the options, the replicas bench (`replicas`).
 */
import { benchContention } from './contention.ts';
import { benchCpu } from './cpu.ts';
import { benchGateways } from './gateways/index.ts';
import { benchReconcile } from './reconcile.ts';
import { benchReplicas } from './replicas.ts';
import { benchStart } from './start.ts';
import { benchWrites } from './writes.ts';

const BENCHES: Record<string, (args: string[]) => Promise<void>> = { gateways: benchGateways, writes: benchWrites, contention: benchContention, reconcile: benchReconcile, start: benchStart, replicas: benchReplicas, cpu: benchCpu };

const first = process.argv[2];
const optionsOnly = first === undefined || first.startsWith('--');
const name = !optionsOnly ? first : process.argv.some((a) => a === '--replicas' || a.startsWith('--replicas=')) ? 'replicas' : 'gateways';
const bench = BENCHES[name];
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>: unknown benchmark "${name}"`);
  process.exit(2);
}
await bench(process.argv.slice(name === first ? 3 : 2));
