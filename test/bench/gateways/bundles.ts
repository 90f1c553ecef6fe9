/**
 * The bench's gateways as deployed JavaScript: each entry point bundled at the bench's start
 * (gateway/build/bundle-entry.ts) into a fresh folder under dist/bench/, and run with plain `node`. This
 * gateway and the peers alike lose tsx (about 38 MB resident each, README "Memory"), so their memory
 * and start-up compare as deployed. The folder is inside the project, beside the source tree, as a
 * bundle must be: it reads the schema and node_modules from there.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from '../../../gateway/build/bundle-entry.ts';

const BENCH_DIST = fileURLToPath(new URL('../../../dist/bench/', import.meta.url));

export interface Bundles<K extends string> {
  /** Each entry's bundle, `<folder>/<key>.js`. */
  files: Record<K, string>;
  /** Deletes the folder (once the processes running the bundles are stopped). */
  remove(): void;
}

/** Bundles each entry point (a .ts file) into one folder of this run's own, so that benches run at once do not share files. */
export async function bundleEntries<K extends string>(entries: Record<K, string>): Promise<Bundles<K>> {
  mkdirSync(BENCH_DIST, { recursive: true });
  const dir = mkdtempSync(join(BENCH_DIST, 'run-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const keys = Object.keys(entries) as K[];
    await Promise.all(keys.map((key) => bundleEntry(entries[key], join(dir, `${key}.js`))));
    return { files: Object.fromEntries(keys.map((key) => [key, join(dir, `${key}.js`)])) as Record<K, string>, remove };
  } catch (err) {
    remove();
    throw err;
  }
}
