/**
 * The scope rules of the graph, read from the supergraph's `@requiresScopes` applications (composed
 * from the subgraph SDLs, where the rules live beside the fields).
 * A rule is an OR of AND-groups (see subgraphs/shared/scope-rule.ts, shared with the subgraphs).
 */
import { isAbstractType, isTypeDefinitionNode, isTypeExtensionNode, getNamedType, Kind, parse, type ConstDirectiveNode, type ConstValueNode, type DirectiveNode, type DocumentNode, type GraphQLCompositeType, type GraphQLField, type GraphQLSchema } from 'graphql';
import type { ScopeRule } from '../../subgraphs/shared/scope-rule.ts';

export type { ScopeRule };

export interface ScopeRules {
  /** Rules on fields, by coordinate (`Customer.email`). */
  fields: ReadonlyMap<string, ScopeRule>;
  /** Rules on types (`@requiresScopes` on an object, interface, scalar or enum): every field returning the type needs them. */
  types: ReadonlyMap<string, ScopeRule>;
}

/** The scopes of the `@requiresScopes` applications in a supergraph (honouring a renamed directive). */
export function readScopeRules(supergraphSdl: string): ScopeRules {
  const document = parse(supergraphSdl);
  const name = requiresScopesName(document);
  const fields = new Map<string, ScopeRule>();
  const types = new Map<string, ScopeRule>();
  const ruleOf = (directives: readonly ConstDirectiveNode[] | undefined) => {
    const applied = directives?.find((d) => d.name.value === name);
    return applied && scopesArgument(applied);
  };
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeRule = ruleOf(definition.directives);
    if (typeRule) types.set(definition.name.value, typeRule);
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION
      && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const rule = ruleOf(field.directives);
      if (rule) fields.set(`${definition.name.value}.${field.name.value}`, rule);
    }
  }
  return { fields, types };
}

/**
 * Every rule that selecting `field` on `parentType` must satisfy: the field's own, its return type's,
 * and, on an interface or union, those of the field on each type it may be at run time.
 */
export function rulesFor(schema: GraphQLSchema, rules: ScopeRules, parentType: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): ScopeRule[] {
  const owners = isAbstractType(parentType) ? [parentType, ...schema.getPossibleTypes(parentType)] : [parentType];
  const found = owners.map((owner) => rules.fields.get(`${owner.name}.${field.name}`));
  found.push(rules.types.get(getNamedType(field.type).name));
  return found.filter((rule): rule is ScopeRule => rule !== undefined);
}

/** The name the supergraph's @link gives the requiresScopes spec ("requiresScopes" unless imported `as` another). */
export function requiresScopesName(document: DocumentNode): string {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    const link = definition.directives?.find(isRequiresScopesLink);
    if (link) return stringValue(link.arguments?.find((a) => a.name.value === 'as')?.value) ?? 'requiresScopes';
  }
  return 'requiresScopes';
}

/** `@link(url: "https://specs.apollo.dev/requiresScopes/v0.1", …)`. */
export function isRequiresScopesLink(directive: DirectiveNode): boolean {
  if (directive.name.value !== 'link') return false;
  const url = directive.arguments?.find((a) => a.name.value === 'url')?.value;
  return url?.kind === Kind.STRING && /\/requiresScopes\/v[\d.]+$/.test(url.value);
}

function scopesArgument(directive: ConstDirectiveNode): ScopeRule {
  const value = directive.arguments?.find((a) => a.name.value === 'scopes')?.value;
  const list = (node: ConstValueNode | undefined) => (node?.kind === Kind.LIST ? node.values : []);
  return list(value).map((group) => list(group).map(stringValue).filter((s): s is string => s !== undefined));
}

function stringValue(node: ConstValueNode | undefined): string | undefined {
  return node?.kind === Kind.STRING ? node.value : undefined;
}
