/**
 * Rewrites a valid operation document so that it selects only what the caller may see: every field
 * whose scope rules the caller does not satisfy, or whose arguments filter on such a field, is removed, wherever it is (aliased, in a named or
 * inline fragment, nested), before the gateway plans the query, so no subgraph is ever asked for it.
 *
 * The result stays valid: a selection set left empty gets a placeholder `__typename`; variable
 * definitions and fragments that only the removed fields used are dropped (GraphQL rejects unused
 * ones). Helper fields are added for the response pass (see helper-fields.ts).
 */
import {
  isAbstractType, isCompositeType, getNamedType, Kind, TypeInfo, visit, visitWithTypeInfo,
  type DefinitionNode, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type GraphQLCompositeType, type SelectionNode, type SelectionSetNode,
} from 'graphql';
import type { FieldAccess } from './field-access.ts';
import { helperField, type HelperFields } from './helper-fields.ts';

/** The type whose ids the audit log records for the audited fields served under it. */
export const AUDITED_OWNER_TYPE = 'Customer';

export interface Rewritten {
  document: DocumentNode;
  /** Whether any field was removed. */
  removed: boolean;
}

export function rewriteDocument(document: DocumentNode, access: FieldAccess, helpers: HelperFields): Rewritten {
  const fragments = fragmentsByName(document);
  const serves = auditedDataFinder(access, fragments);
  const typeInfo = new TypeInfo(access.schema);
  let removed = false;
  const rewritten = visit(document, visitWithTypeInfo(typeInfo, {
    Field: {
      enter(node) {
        const parentType = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parentType || !field || access.decide(parentType, field, node).allowed) return undefined;
        removed = true;
        return null;
      },
    },
    SelectionSet: {
      leave(node) {
        const type = typeInfo.getParentType();
        const added: SelectionNode[] = [];
        if (type?.name === AUDITED_OWNER_TYPE && serves(node, type) && !selectsPlainId(node)) added.push(helperField(helpers.id, 'id'));
        if (type && isAbstractType(type) && node.selections.some((s) => s.kind !== Kind.FIELD)) added.push(helperField(helpers.typename, '__typename'));
        if (node.selections.length + added.length === 0) added.push(helperField(helpers.empty, '__typename'));
        return added.length > 0 ? { ...node, selections: [...node.selections, ...added] } : undefined;
      },
    },
  }));
  return { document: removed ? dropNewlyUnused(document, rewritten) : rewritten, removed };
}

/**
 * Whether a selection set (following fragments) selects an audited field the caller may see: such a
 * Customer selection gets a helper `id` so the audit log can name the customer.
 */
function auditedDataFinder(access: FieldAccess, fragments: Map<string, FragmentDefinitionNode>) {
  const byFragment = new Map<string, boolean>();
  const serves = (set: SelectionSetNode, type: GraphQLCompositeType): boolean => set.selections.some((selection) => {
    switch (selection.kind) {
      case Kind.FIELD: {
        const field = access.fieldDef(type, selection.name.value);
        if (!field) return false;
        const decision = access.decide(type, field, selection);
        if (!decision.allowed) return false;
        const named = getNamedType(field.type);
        return decision.sensitive || (!!selection.selectionSet && isCompositeType(named) && serves(selection.selectionSet, named));
      }
      case Kind.INLINE_FRAGMENT:
        return serves(selection.selectionSet, conditionType(access, selection.typeCondition?.name.value) ?? type);
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        if (!byFragment.has(name)) {
          byFragment.set(name, false);
          const fragment = fragments.get(name);
          const fragmentType = conditionType(access, fragment?.typeCondition.name.value);
          byFragment.set(name, !!fragment && !!fragmentType && serves(fragment.selectionSet, fragmentType));
        }
        return byFragment.get(name)!;
      }
    }
  });
  return serves;
}

function conditionType(access: FieldAccess, name: string | undefined): GraphQLCompositeType | undefined {
  const type = name === undefined ? undefined : access.schema.getType(name);
  return type && isCompositeType(type) ? type : undefined;
}

/** An unconditional, unaliased `id` the client selected itself at this level. */
function selectsPlainId(set: SelectionSetNode): boolean {
  return set.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'id' && !s.alias && !s.directives?.length);
}

/** Drops the fragments and variable definitions that were used before the rewrite and are not any more. */
function dropNewlyUnused(before: DocumentNode, after: DocumentNode): DocumentNode {
  const reachableBefore = reachableFragments(before);
  const reachableAfter = reachableFragments(after);
  const fragmentsAfter = fragmentsByName(after);
  const fragmentsBefore = fragmentsByName(before);
  return {
    ...after,
    definitions: after.definitions.flatMap((definition, index): DefinitionNode[] => {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        const name = definition.name.value;
        return reachableBefore.has(name) && !reachableAfter.has(name) ? [] : [definition];
      }
      if (definition.kind !== Kind.OPERATION_DEFINITION) return [definition];
      const original = before.definitions[index];
      if (original.kind !== Kind.OPERATION_DEFINITION) return [definition];
      const usedBefore = variablesUsed(original, fragmentsBefore);
      const usedAfter = variablesUsed(definition, fragmentsAfter);
      const variableDefinitions = definition.variableDefinitions?.filter((v) => !usedBefore.has(v.variable.name.value) || usedAfter.has(v.variable.name.value));
      return [{ ...definition, variableDefinitions }];
    }),
  };
}

function fragmentsByName(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
}

/** The names of the fragments the document's operations spread, directly or through other fragments. */
function reachableFragments(document: DocumentNode): Set<string> {
  const fragments = fragmentsByName(document);
  const reached = new Set<string>();
  const from = (node: unknown) => visit(node as DocumentNode, {
    FragmentSpread: (spread) => {
      const name = spread.name.value;
      if (reached.has(name)) return;
      reached.add(name);
      const fragment = fragments.get(name);
      if (fragment) from(fragment.selectionSet);
    },
  });
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) from(definition.selectionSet);
  return reached;
}

/** The variables an operation uses in its selections, its directives and the fragments it reaches. */
function variablesUsed(operation: OperationDefinitionNode, fragments: Map<string, FragmentDefinitionNode>): Set<string> {
  const used = new Set<string>();
  const seen = new Set<string>();
  const from = (node: unknown) => visit(node as DocumentNode, {
    VariableDefinition: () => false,
    Variable: (variable) => void used.add(variable.name.value),
    FragmentSpread: (spread) => {
      const fragment = fragments.get(spread.name.value);
      if (!fragment || seen.has(fragment.name.value)) return;
      seen.add(fragment.name.value);
      from(fragment);
    },
  });
  from(operation);
  return used;
}
