/**
 * `npm run graphiql:bundle` (also run before `npm start`): builds GraphiQL's browser files into the disk
 * cache (bundle.ts), so the first browser to open the page does not wait for esbuild. A cached build is
 * only read. Run it when building a deployment image, after `npm ci`.
 */
import { loadGraphiQLBundle } from './bundle.ts';

const started = performance.now();
const { key, files } = await loadGraphiQLBundle();
const bytes = [...files.values()].reduce((sum, file) => sum + file.length, 0);
console.log(`GraphiQL bundle ${key} ready: ${files.size} files, ${(bytes / 1e6).toFixed(1)} MB, ${((performance.now() - started) / 1000).toFixed(1)} s`);
