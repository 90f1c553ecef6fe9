/**
 * What the authorizer worked out for one operation, kept for the next request that must get the same:
 * the same document text and operation name, the same scope set, and, of the variables that can decide
 * it, the same of what the work reads. A variable used in a directive decides by its value (@skip/@include
 * decide which fields are there). One inside an input object literal, or of an input object type, decides
 * only by which input fields it gives (filters are checked on the input fields used, whatever their
 * values: filter-access.ts), so its presence shape is compared: two updates setting different phones
 * share one entry, one setting the phone to null does not. A variable of a scalar or enum type passed
 * straight to an argument (`customer(id: $id)`, `first: $n`) changes nothing the authorizer decides.
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
  const deciding = new WeakMap<DocumentNode, DecidingVariables>();
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
function keyOf(query: string, operationName: string | null | undefined, names: DecidingVariables, variables: Record<string, unknown>, scopes: ReadonlySet<string>): string | null {
  const given = (name: string, read: (value: unknown) => unknown) => (Object.hasOwn(variables, name) ? [name, read(variables[name])] : [name]);
  try {
    const values = [...names.byValue.map((name) => given(name, (value) => value)), ...names.byPresence.map((name) => given(name, presence))];
    return `${JSON.stringify([[...scopes].sort(), operationName ?? null, values])}\n${query}`;
  } catch {
    return null;
  }
}

/**
 * What the filter check reads of an input value: null, or which fields it gives, recursively (a list: the
 * distinct shapes of its items); a leaf given is 1, whatever its value.
 */
function presence(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return [...new Set(value.map((item) => JSON.stringify(presence(item))))].sort();
  if (typeof value !== 'object') return 1;
  return Object.keys(value).sort().map((name) => [name, presence((value as Record<string, unknown>)[name])]);
}

/** The variables that can change what the authorizer decides for `document`, each list sorted: by their value, or by which input fields they give. */
export interface DecidingVariables {
  byValue: readonly string[];
  byPresence: readonly string[];
}

export function decidingVariables(schema: GraphQLSchema, document: DocumentNode): DecidingVariables {
  const inDirectives = new Set<string>();
  const inputs = new Set<string>();
  let directives = 0;
  let objects = 0;
  visit(document, {
    VariableDefinition(node) {
      if (isInputObjectType(schema.getType(namedTypeOf(node.type)))) inputs.add(node.variable.name.value);
    },
    Directive: { enter: () => void (directives += 1), leave: () => void (directives -= 1) },
    ObjectValue: { enter: () => void (objects += 1), leave: () => void (objects -= 1) },
    Variable(node) {
      if (directives > 0) inDirectives.add(node.name.value);
      else if (objects > 0) inputs.add(node.name.value);
    },
  });
  return { byValue: [...inDirectives].sort(), byPresence: [...inputs].filter((name) => !inDirectives.has(name)).sort() };
}

function namedTypeOf(type: TypeNode): string {
  return type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type);
}
