/**
 * Limits the fields an operation selects at its root, counting through fragments: each root field is
 * planned as its own subgraph fetch, so their number bounds the fan-out of one request.
 */
import { Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';
import { limitError } from './limit-error.ts';

export function maxRootFieldsRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(operation) {
      const found = countFields(context, operation.selectionSet, new Set());
      if (found > max) context.reportError(limitError('rootFields', max, `Operation selects ${found} root fields; the limit is ${max}.`));
      return false;
    },
  });
}

function countFields(context: ValidationContext, set: SelectionSetNode, seen: Set<string>): number {
  let count = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) count += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) count += countFields(context, selection.selectionSet, seen);
    else if (!seen.has(selection.name.value)) {
      // A fragment spread twice at the root selects the same fields (GraphQL merges them); a cycle stops here too.
      seen.add(selection.name.value);
      const fragment = context.getFragment(selection.name.value);
      if (fragment) count += countFields(context, fragment.selectionSet, seen);
    }
  }
  return count;
}
