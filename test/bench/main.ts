/** `npm run bench -- <name>`: the benchmarks that are not tests (they take minutes and print figures). */
import { benchContention } from './contention.ts';
import { benchReconcile } from './reconcile.ts';
import { benchWrites } from './writes.ts';

const BENCHES: Record<string, () => Promise<void>> = { writes: benchWrites, contention: benchContention, reconcile: benchReconcile };

const name = process.argv[2] ?? '';
const bench = BENCHES[name];
if (!bench) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>: unknown benchmark "${name}"`);
  process.exit(2);
}
await bench();
