/**
 * Bundles one of the project's entry points into a single JavaScript file that plain `node` runs,
 * without tsx: the project's modules inlined, the packages left as imports from node_modules. Under
 * tsx the gateway is about 38 MB larger resident (README "Memory"): the TypeScript loader itself, and
 * the source maps it turns on. The bundle must stay beside the source tree, where it was built
 * (source-url-plugin.ts): it reads the schema, .data/ and node_modules from there.
 */
import { dirname, resolve } from 'node:path';
import { build } from 'esbuild';
import { sourceUrlPlugin } from './source-url-plugin.ts';

/** Writes `entry` (a .ts file) and everything of the project's it imports to `outfile` (ESM, for Node 20). */
export async function bundleEntry(entry: string, outfile: string): Promise<void> {
  const out = resolve(outfile);
  await build({
    entryPoints: [resolve(entry)],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Imported from node_modules at run time, as under tsx: only the project's own code is bundled.
    packages: 'external',
    // Off: with a source map Node keeps a parsed copy of it in memory (tsx turns them on, at about 9 MB
    // of heap for the gateway), and a stack trace naming bundle lines is enough for this deployment.
    sourcemap: false,
    // Class and function names as written: two modules' classes of one name would otherwise be renamed
    // (Foo2), and logs name errors by their constructor (subgraphs/shared/logging/sanitise-error.ts).
    keepNames: true,
    plugins: [sourceUrlPlugin(dirname(out))],
    logLevel: 'warning',
  });
}
