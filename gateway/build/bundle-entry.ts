/**
 * Bundles one of the project's entry points into a single JavaScript file that plain `node` runs,
 * without tsx: the project's modules inlined, the packages left as imports from node_modules. Under
 * tsx the gateway is about 38 MB larger resident (README "Memory"): the TypeScript loader itself, and
 * the source maps it turns on. The bundle must stay beside the source tree, where it was built
 * (source-url-plugin.ts): it reads the schema, .data/ and node_modules from there. An entry that forks
 * the acceptor process (gateway/acceptor/acceptor.ts) gets that process bundled beside it too, so that
 * it also runs without tsx (72 → 49 MB resident in an S2 pass).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { relativeUrl, sourceUrlPlugin } from './source-url-plugin.ts';

const ACCEPTOR_LAUNCHER = fileURLToPath(new URL('../acceptor/acceptor.ts', import.meta.url));
const ACCEPTOR_PROCESS = fileURLToPath(new URL('../acceptor/acceptor-process.ts', import.meta.url));

/**
 * Writes `entry` (a .ts file) and everything of the project's it imports to `outfile` (ESM, for Node 20);
 * when that includes the acceptor's launcher, the acceptor process to `<outfile less .js>.acceptor.js`,
 * its place given to the launcher as ACCEPTOR_BUNDLE_URL (relative to the launcher's source file, as the
 * bundle's own paths are). Returns the files written.
 */
export async function bundleEntry(entry: string, outfile: string): Promise<string[]> {
  const out = resolve(outfile);
  const acceptorOut = out.replace(/\.js$/, '') + '.acceptor.js';
  const { metafile } = await build({
    ...bundleOptions(out),
    entryPoints: [resolve(entry)],
    define: { ACCEPTOR_BUNDLE_URL: JSON.stringify(relativeUrl(dirname(ACCEPTOR_LAUNCHER), acceptorOut)) },
    metafile: true,
  });
  const forksAcceptor = Object.keys(metafile.inputs).some((input) => resolve(input) === ACCEPTOR_LAUNCHER);
  if (!forksAcceptor) return [out];
  await build({ ...bundleOptions(acceptorOut), entryPoints: [ACCEPTOR_PROCESS] });
  return [out, acceptorOut];
}

function bundleOptions(out: string): BuildOptions {
  return {
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
  };
}
