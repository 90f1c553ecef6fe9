/**
 * `npm run build:gateway [-- --outfile dist/gateway.js]`: bundles the gateway (gateway/main.ts) into one
 * JavaScript file for `node dist/gateway.js` (`npm run start:gateway`), which runs without tsx and is
 * smaller resident. The file must stay where it was built, beside the source tree (bundle-entry.ts).
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { bundleEntry } from './bundle-entry.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values } = parseArgs({ options: { outfile: { type: 'string', default: `${root}dist/gateway.js` } } });

const started = performance.now();
const files = await bundleEntry(`${root}gateway/main.ts`, values.outfile);
const named = files.map((file) => relative(process.cwd(), file) || file).join(' and ');
console.log(`Gateway bundled into ${named} in ${((performance.now() - started) / 1000).toFixed(1)} s: run the first with node, beside the source tree.`);
