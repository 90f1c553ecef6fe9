/**
 * An esbuild plugin for bundling this project's TypeScript: in each of the project's own `.ts` files it
 * replaces `import.meta.url` with that SOURCE file's URL, worked out at run time relative to the bundle
 * (`new URL("../gateway/config.ts", import.meta.url).href` for a bundle in dist/). Every path the code
 * resolves from its own file (`new URL('../schema/supergraph.graphql', import.meta.url)`, the audit
 * database under .data/, GraphiQL's sources and cache, `createRequire(import.meta.url)`) then resolves
 * exactly as under tsx, as long as the bundle stays where it was built relative to the source tree:
 * moving both together is fine, moving the bundle alone is not. Packages (external, under
 * node_modules) are left as they are.
 */
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { transform, type Plugin } from 'esbuild';

const IMPORT_META_URL = /\bimport\.meta\.url\b/g;
// import.meta.dirname, .filename, .resolve would still name the bundle's own location: refused rather than wrong.
const OTHER_IMPORT_META = /\bimport\.meta\b(?!\.url\b)(\.\w+)?/;

/** `outdir`: the absolute directory the bundle is written to. */
export function sourceUrlPlugin(outdir: string): Plugin {
  return {
    name: 'source-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/, namespace: 'file' }, async ({ path }) => {
        if (path.split(sep).includes('node_modules')) return undefined;
        const source = await readFile(path, 'utf8');
        const other = OTHER_IMPORT_META.exec(await withoutComments(source));
        if (other) return { errors: [{ text: `Only import.meta.url can be bundled (it is rewritten to the source file's URL): ${path} uses import.meta${other[1] ?? ''}.` }] };
        const url = `new URL(${JSON.stringify(relativeUrl(outdir, path))}, import.meta.url).href`;
        return { contents: source.replace(IMPORT_META_URL, url), loader: 'ts' };
      });
    },
  };
}

/** The code as JavaScript, comments gone: a comment that mentions import.meta is no use of it. */
async function withoutComments(source: string): Promise<string> {
  if (!source.includes('import.meta')) return source;
  return (await transform(source, { loader: 'ts', legalComments: 'none' })).code;
}

/** The relative URL from a file in `fromDir` to `file`, each path segment percent-encoded. */
export function relativeUrl(fromDir: string, file: string): string {
  return relative(fromDir, file).split(sep).map(encodeURIComponent).join('/');
}
