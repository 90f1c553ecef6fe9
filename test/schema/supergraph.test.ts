import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeSupergraph, SUPERGRAPH_PATH } from '../../schema/compose.ts';

describe('schema/supergraph.graphql', () => {
  it('is what composing the checked-in subgraph SDLs gives (run `npm run compose` after changing one)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });
});
