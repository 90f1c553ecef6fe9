/**
 * GraphiQL's browser files, built from the installed packages with esbuild: the page's script and
 * stylesheet (browser/app.tsx) and Monaco's three web workers. Nothing is fetched from a CDN, so the
 * page works on an air-gapped network. A build takes seconds, so its output is kept on disk under
 * node_modules/.cache, keyed by the packages' versions and this folder's sources: a later start (or
 * another gateway process) reads it in milliseconds; reinstalling or editing the sources rebuilds it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export interface GraphiQLBundle {
  /** Changes whenever the files do: it names their folder in URLs, so they can be cached for good. */
  key: string;
  /** File name (`app.js`, `app.css`, `editor.worker.js`, …) → contents. */
  files: ReadonlyMap<string, Buffer>;
}

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PACKAGES = ['esbuild', 'graphiql', '@graphiql/react', 'monaco-editor', 'monaco-graphql', 'react', 'react-dom', 'graphql'];
const SOURCES = ['bundle.ts', 'examples.ts', 'browser'];

/** The default cache folder: beside the installed packages, so a reinstall starts afresh. */
export const defaultBundleCacheDir = (): string => fileURLToPath(new URL('../../node_modules/.cache/gateway-graphiql', import.meta.url));

/** The bundle from `cacheDir` when it holds this key's build, else built now and stored there. */
export async function loadGraphiQLBundle(cacheDir: string = defaultBundleCacheDir()): Promise<GraphiQLBundle> {
  const key = bundleKey();
  const dir = join(cacheDir, key);
  const cached = readFolder(dir);
  if (cached) return { key, files: cached };
  // Built beside the final folder and renamed into place, so two gateways starting at once never read half a build.
  const building = join(cacheDir, `${key}.${randomUUID()}.tmp`);
  try {
    mkdirSync(building, { recursive: true });
  } catch (err) {
    // A read-only install (a container image): build into the temporary folder instead.
    if (cacheDir === TMP_CACHE_DIR) throw err;
    return loadGraphiQLBundle(TMP_CACHE_DIR);
  }
  try {
    await buildInto(building);
    try {
      renameSync(building, dir);
    } catch {
      // Another process renamed its build first: theirs is the same.
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
  removeStaleBuilds(cacheDir, key);
  return { key, files: readFolder(dir)! };
}

const TMP_CACHE_DIR = join(tmpdir(), 'gateway-graphiql');
const DAY_MS = 24 * 60 * 60 * 1000;

/** Builds of other keys untouched for a day: left by an upgrade or an edit (a day, so no gateway still reads one). */
function removeStaleBuilds(cacheDir: string, key: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (name !== key && Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
  }
}

function buildInto(outdir: string) {
  const monaco = (path: string) => require.resolve(`monaco-editor/esm/vs/${path}`);
  return build({
    entryPoints: {
      app: join(here, 'browser/app.tsx'),
      'editor.worker': monaco('editor/editor.worker.js'),
      'json.worker': monaco('language/json/json.worker.js'),
      'graphql.worker': require.resolve('monaco-graphql/esm/graphql.worker.js'),
    },
    outdir,
    bundle: true,
    // Module scripts and module workers (browser/workers.ts creates them with type: 'module').
    format: 'esm',
    minify: true,
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    // Monaco's icon font: inlined, like GraphiQL's own fonts, so there is no other file to ask for.
    loader: { '.ttf': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    legalComments: 'none',
    logLevel: 'silent',
  });
}

/** The packages' versions and the sources' contents, hashed. */
function bundleKey(): string {
  const hash = createHash('sha256');
  for (const name of PACKAGES) hash.update(`${name}@${packageVersion(name)}\n`);
  for (const file of SOURCES.flatMap((source) => listFiles(join(here, source)))) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** The installed version, from the package.json Node's lookup finds first (exports may hide ./package.json). */
function packageVersion(name: string): string {
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      // Not installed at this level.
    }
  }
  throw new Error(`GraphiQL's bundle needs the package ${name}, which is not installed.`);
}

function listFiles(path: string): string[] {
  if (extname(path)) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((entry) => listFiles(join(path, entry.name))).sort();
}

function readFolder(dir: string): Map<string, Buffer> | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  return new Map(names.map((name) => [name, readFileSync(join(dir, name))]));
}
