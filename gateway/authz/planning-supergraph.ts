/**
 * The supergraph the query planner gets: the same graph without the requiresScopes feature.
 *
 * @apollo/gateway refuses to load a supergraph linking a `for: SECURITY` feature it does not enforce
 * itself (only the Router enforces @requiresScopes), which is the safe default. Here the authorizer
 * enforces those rules before planning, reading them from the full supergraph, so the planner can be
 * given the supergraph without them. The API schema is the same either way.
 */
import { buildSchema, isScalarType, parse, print, visit, type GraphQLSchema } from 'graphql';
import { printSchema, Supergraph } from '@apollo/federation-internals';
import { DateTimeScalar } from '../../subgraphs/shared/scalars.ts';
import { isRequiresScopesLink, requiresScopesName } from './scope-rules.ts';

export function supergraphForPlanning(supergraphSdl: string): string {
  const document = parse(supergraphSdl);
  const name = requiresScopesName(document);
  return print(visit(document, {
    Directive: (node) => (node.name.value === name || isRequiresScopesLink(node) ? null : undefined),
    DirectiveDefinition: (node) => (node.name.value === name ? null : undefined),
    // The spec's own types, e.g. `scalar requiresScopes__Scope`.
    ScalarTypeDefinition: (node) => (node.name.value.startsWith(`${name}__`) ? null : undefined),
  }));
}

/**
 * The schema clients see (no federation plumbing, no @inaccessible), as the gateway builds it, with the
 * subgraphs' own DateTime scalar: a value no subgraph would accept is refused at the door, not after
 * other systems were called.
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  // Printed and rebuilt: federation-internals holds its own schema model.
  const schema = buildSchema(printSchema(Supergraph.build(supergraphForPlanning(supergraphSdl)).apiSchema()));
  // Built here and owned here: its DateTime gets the subgraphs' parsing in place, so validation and
  // variable coercion at the door refuse what every subgraph would.
  const dateTime = schema.getType(DateTimeScalar.name);
  if (isScalarType(dateTime)) {
    dateTime.parseValue = DateTimeScalar.parseValue;
    dateTime.parseLiteral = DateTimeScalar.parseLiteral;
  }
  return schema;
}
