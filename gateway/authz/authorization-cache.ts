/**
 * What the authorizer worked out for one operation, kept for the next request that must get the same:
 * the same document text and operation name, the same scope set, and the same values of the variables
 * the work reads. Those are the variables that can decide it: one used in a directive (@skip/@include
 * decide which fields are there), one inside an input object literal, or one of an input object type
 * (filters are checked on input objects only: filter-access.ts). A variable of a scalar or enum type
 * passed straight to an argument (`customer(id: $id)`, `first: $n`) changes nothing the authorizer
 * decides, so requests differing only in those share one entry.
 */
import { LRUCache } from 'lru-cache';
import { isInputObjectType, Kind, visit, type DocumentNode, type GraphQLSchema, type TypeNode } from 'graphql';

/** Distinct (document, scope set, deciding variables) entries kept; the least recently used go first. */
const MAX_ENTRIES = 1_000;
/** Characters of document text kept across all entries (keys included; each entry also holds its rewritten text and response plan). */
const MAX_TEXT = 1_000_000;

export interface AuthorizationCache<T> {
  /** The work for this request: remembered, or done now by `work` and remembered. */
  get(query: string, operationName: string | null | undefined, document: DocumentNode, variables: Record<string, unknown>, scopes: ReadonlySet<string>, work: () => T): T;
}

/** `onLookup` is told of each request whether its work was remembered (for the metrics). */
export function authorizationCache<T extends object>(schema: GraphQLSchema, onLookup: (hit: boolean) => void = () => {}): AuthorizationCache<T> {
  const entries = new LRUCache<string, T>({ max: MAX_ENTRIES, maxSize: MAX_TEXT, sizeCalculation: (_value, key) => Math.max(1, key.length) });
  const deciding = new WeakMap<DocumentNode, readonly string[]>();
  return {
    get(query, operationName, document, variables, scopes, work) {
      let names = deciding.get(document);
      if (!names) {
        names = decidingVariables(schema, document);
        deciding.set(document, names);
      }
      const key = keyOf(query, operationName, names, variables, scopes);
      const remembered = key === null ? undefined : entries.get(key);
      onLookup(remembered !== undefined);
      if (remembered) return remembered;
      const done = work();
      if (key !== null) entries.set(key, done);
      return done;
    },
  };
}

/**
 * The cache key, or null when a deciding variable's value has no JSON form (then nothing is cached).
 * An absent variable and one given as null are told apart.
 */
function keyOf(query: string, operationName: string | null | undefined, names: readonly string[], variables: Record<string, unknown>, scopes: ReadonlySet<string>): string | null {
  try {
    const values = names.map((name) => (Object.hasOwn(variables, name) ? [name, variables[name]] : [name]));
    return `${JSON.stringify([[...scopes].sort(), operationName ?? null, values])}\n${query}`;
  } catch {
    return null;
  }
}

/** The variables whose values can change what the authorizer decides for `document`, sorted. */
export function decidingVariables(schema: GraphQLSchema, document: DocumentNode): readonly string[] {
  const names = new Set<string>();
  // Inside a directive or an input object literal.
  let depth = 0;
  const nested = { enter: () => void (depth += 1), leave: () => void (depth -= 1) };
  visit(document, {
    VariableDefinition(node) {
      if (isInputObjectType(schema.getType(namedTypeOf(node.type)))) names.add(node.variable.name.value);
    },
    Directive: nested,
    ObjectValue: nested,
    Variable(node) {
      if (depth > 0) names.add(node.name.value);
    },
  });
  return [...names].sort();
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}
