/**
 * `npm run bench [-- <name>] [options]`: the benchmarks that are not tests (they take minutes and print
 * figures). With no name, or options only, the side-by-side gateway comparison (`gateways`).
 */
import { benchContention } from './contention.ts';
import { benchGateways } from './gateways/index.ts';
import { benchReconcile } from './reconcile.ts';
import { benchStart } from './start.ts';
import { benchWrites } from './writes.ts';

const BENCHES: Record<string, (args: string[]) => Promise<void>> = { gateways: benchGateways, writes: benchWrites, contention: benchContention, reconcile: benchReconcile, start: benchStart };

const first = process.argv[2];
const name = first === undefined || first.startsWith('--') ? 'gateways' : first;
const bench = BENCHES[name];
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>: unknown benchmark "${name}"`);
  process.exit(2);
}
await bench(process.argv.slice(name === first ? 3 : 2));
