/**
 * gateway/build/source-url-plugin.ts through a real bundle: import.meta.url in the bundled code is the
 * source file's URL, wherever in the project the bundle is written, and other import.meta properties are
 * refused at build time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleEntry } from '../../gateway/build/bundle-entry.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
mkdirSync(join(ROOT, 'dist'), { recursive: true });
const dir = mkdtempSync(join(ROOT, 'dist', 'test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sourceUrlPlugin', () => {
  it.each(['where.js', 'deeper/down/where.js'])('gives bundled code its source file\'s URL, and createRequire the packages beside it (%s)', async (out) => {
    // An entry that does not fork the acceptor gets no acceptor bundled beside it.
    expect(await bundleEntry(fixture('where-am-i.ts'), join(dir, out))).toEqual([join(dir, out)]);

    const printed = JSON.parse(execFileSync(process.execPath, [join(dir, out)], { encoding: 'utf8' }));

    expect(printed).toEqual({ url: pathToFileURL(fixture('where-am-i.ts')).href, graphql: createRequire(import.meta.url).resolve('graphql') });
  });

  it('refuses another import.meta property, naming the file and the property (not one a comment mentions)', async () => {
    await expect(bundleEntry(fixture('dirname-user.ts'), join(dir, 'dirname.js')))
      .rejects.toThrow(`Only import.meta.url can be bundled (it is rewritten to the source file's URL): ${fixture('dirname-user.ts')} uses import.meta.dirname.`);
  });
});
