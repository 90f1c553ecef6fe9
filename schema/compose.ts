/**
 * Composes the four subgraph SDLs in this folder into schema/supergraph.graphql (`npm run compose`).
 * The supergraph's routing URLs are placeholders: the gateway reads the real ones from its config.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { SUBGRAPH_NAMES, type SubgraphName } from './subgraphs.ts';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

/** Reads one subgraph's SDL from schema/<name>.graphql. */
export const readSubgraphSdl = (name: SubgraphName): string => readFileSync(here(`./${name}.graphql`), 'utf8');

export const SUPERGRAPH_PATH = here('./supergraph.graphql');

/** Composes the checked-in SDLs; throws with every composition error's message when they do not compose. */
export function composeSupergraph(): string {
  const result = composeServices(SUBGRAPH_NAMES.map((name) => ({
    name,
    url: `http://${name}.subgraph.invalid/graphql`,
    typeDefs: parse(readSubgraphSdl(name)),
  })));
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => `- ${e.message}`).join('\n')}`);
  return result.supergraphSdl;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(SUPERGRAPH_PATH, composeSupergraph());
  console.log(`wrote ${SUPERGRAPH_PATH}`);
}
