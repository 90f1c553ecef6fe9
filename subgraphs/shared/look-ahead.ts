/**
 * What the operation selects below the field being resolved, so that a resolver can start an upstream
 * request its child fields will need together with its own, instead of one level later (the child
 * resolvers run only once the parent's value is there). Only a head start: the child resolvers still
 * load what they need, and find the started request in the per-request loader.
 *
 * It reads the syntax tree by node kind rather than with graphql-js's helpers: those check types with
 * `instanceof`, and the subgraph's schema may come from another copy of graphql-js than this module's.
 */
import type { GraphQLField, GraphQLResolveInfo, SelectionSetNode, ValueNode } from 'graphql';

type Variables = GraphQLResolveInfo['variableValues'];

/**
 * The arguments of every selection of `field` directly below the current field (through aliases and
 * fragments, honouring @skip and @include), with defaults applied; [] when it is not selected.
 */
export function selectedFieldArguments(info: GraphQLResolveInfo, field: string): Record<string, unknown>[] {
  const definition = fieldDefinition(info, field);
  if (!definition) return [];
  const found: Record<string, unknown>[] = [];
  const visit = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (!included(selection.directives, info.variableValues)) continue;
      if (selection.kind === 'Field') {
        if (selection.name.value !== field) continue;
        const given = new Map((selection.arguments ?? []).map((arg) => [arg.name.value, arg.value]));
        found.push(Object.fromEntries(definition.args.map((arg) => {
          const node = given.get(arg.name);
          const value = node === undefined ? undefined : valueOf(node, info.variableValues);
          return [arg.name, value === undefined ? arg.defaultValue : value];
        })));
      } else if (selection.kind === 'InlineFragment') {
        visit(selection.selectionSet);
      } else {
        visit(info.fragments[selection.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet);
  return found;
}

/** Whether any of `fields` is selected directly below the current field. */
export const selectsAny = (info: GraphQLResolveInfo, fields: readonly string[]): boolean =>
  fields.some((field) => selectedFieldArguments(info, field).length > 0);

/**
 * Whether the field at `path` below the current field is selected (each step a field name, through
 * aliases and fragments, honouring @skip and @include), e.g. ['edges', 'node', 'links'].
 */
export function selectsPath(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  const below = (sets: readonly (SelectionSetNode | undefined)[], field: string): (SelectionSetNode | undefined)[] => {
    const found: (SelectionSetNode | undefined)[] = [];
    const visit = (set: SelectionSetNode | undefined) => {
      for (const selection of set?.selections ?? []) {
        if (!included(selection.directives, info.variableValues)) continue;
        if (selection.kind === 'Field') {
          if (selection.name.value === field) found.push(selection.selectionSet);
        } else if (selection.kind === 'InlineFragment') {
          visit(selection.selectionSet);
        } else {
          visit(info.fragments[selection.name.value]?.selectionSet);
        }
      }
    };
    sets.forEach(visit);
    return found;
  };
  let sets: readonly (SelectionSetNode | undefined)[] = info.fieldNodes.map((node) => node.selectionSet);
  for (const field of path) {
    sets = below(sets, field);
    if (!sets.length) return false;
  }
  return true;
}

function fieldDefinition(info: GraphQLResolveInfo, field: string): GraphQLField<unknown, unknown> | undefined {
  let type: unknown = info.returnType;
  while (typeof type === 'object' && type !== null && 'ofType' in type) type = (type as { ofType: unknown }).ofType;
  const fields = (type as { getFields?: () => Record<string, GraphQLField<unknown, unknown>> }).getFields?.();
  return fields?.[field];
}

function included(directives: SelectionSetNode['selections'][number]['directives'], variables: Variables): boolean {
  for (const directive of directives ?? []) {
    const condition = directive.arguments?.find((arg) => arg.name.value === 'if');
    const value = condition && valueOf(condition.value, variables);
    if (directive.name.value === 'skip' && value === true) return false;
    if (directive.name.value === 'include' && value === false) return false;
  }
  return true;
}

/** A literal or variable as the resolver would see it (unset variable: undefined, so the default applies). */
function valueOf(node: ValueNode, variables: Variables): unknown {
  switch (node.kind) {
    case 'Variable': return variables[node.name.value];
    case 'IntValue': return Number.parseInt(node.value, 10);
    case 'FloatValue': return Number(node.value);
    case 'StringValue': case 'EnumValue': case 'BooleanValue': return node.value;
    case 'NullValue': return null;
    case 'ListValue': return node.values.map((v) => valueOf(v, variables));
    case 'ObjectValue': return Object.fromEntries(node.fields.map((f) => [f.name.value, valueOf(f.value, variables)]));
  }
}
