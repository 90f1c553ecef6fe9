import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../schema/errors.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('lists exactly the registered error codes, with their descriptions', () => {
    const section = readme.split('## Error codes')[1].split('\n## ')[0];
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| (.+) \|$/gm)].map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(ERROR_CODES);
  });

  it('starts with npm ci, npm start and npm test', () => {
    const quickStart = readme.split('## Quick start')[1].split('\n## ')[0];
    expect(quickStart).toMatch(/npm ci\s*\nnpm start.*\nnpm test/);
  });
});
