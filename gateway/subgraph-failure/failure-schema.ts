/**
 * The schema a dead subgraph's answer is computed over: the supergraph (inaccessible fields included,
 * as the gateway's fetches ask for them) plus the federation entry point `_entities`, whose members are
 * the types some subgraph declares a key on. Built once from the SDL the gateway loads.
 */
import { buildASTSchema, extendSchema, Kind, parse, type DocumentNode, type GraphQLSchema } from 'graphql';

/** The supergraph as an executable schema that also answers `_entities(representations:)`. */
export function buildFailureSchema(supergraphSdl: string): GraphQLSchema {
  const document = parse(supergraphSdl);
  const supergraph = buildASTSchema(document, { assumeValidSDL: true });
  const entities = entityTypeNames(document);
  return extendSchema(supergraph, parse(`
    scalar _Any
    union _Entity = ${entities.join(' | ')}
    extend type Query { _entities(representations: [_Any!]!): [_Entity]! }
  `), { assumeValidSDL: true });
}

/** Object types with a `@join__type(…, key: …)`: the ones a fetch may ask for by representation. */
function entityTypeNames(document: DocumentNode): string[] {
  return document.definitions.flatMap((definition) => (
    definition.kind === Kind.OBJECT_TYPE_DEFINITION
    && definition.directives?.some((d) => d.name.value === 'join__type' && d.arguments?.some((a) => a.name.value === 'key'))
      ? [definition.name.value] : []));
}
