/**
 * Introspection (`__schema`, `__type`) only for tokens with the schema:read scope: the schema names
 * every field and argument, which is a map for an attacker and needless for most clients. `__typename`
 * stays open (clients add it everywhere).
 */
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { codedError } from '../../schema/errors.ts';
import type { Principal } from '../auth/principal.ts';
import { SCHEMA_READ_SCOPE } from '../auth/scopes.ts';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type']);

/** The FORBIDDEN error when `operation` introspects and the caller lacks schema:read; else null. */
export function introspectionRefusal(document: DocumentNode, operation: OperationDefinitionNode, principal: Principal): GraphQLError | null {
  if (principal.scopes.has(SCHEMA_READ_SCOPE) || !readsSchema(document, operation)) return null;
  return codedError('FORBIDDEN', `Introspection (__schema, __type) needs the ${SCHEMA_READ_SCOPE} scope.`);
}

/** Whether the operation selects __schema or __type; they exist only on the query root, so only its selections (fragments included) count. */
export function readsSchema(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode): boolean => set.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return INTROSPECTION_FIELDS.has(selection.name.value);
    if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
    const fragment = fragments.get(selection.name.value);
    if (!fragment || seen.has(fragment.name.value)) return false;
    seen.add(fragment.name.value);
    return visit(fragment.selectionSet);
  });
  return visit(operation.selectionSet);
}
