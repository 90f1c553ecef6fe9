/**
 * The cost model of the graph, read from the supergraph's `@cost` and `@listSize` applications
 * (Apollo's cost spec, https://specs.apollo.dev/cost/v0.1, composed from the subgraph SDLs where the
 * weights live beside the fields).
 */
import { isTypeDefinitionNode, isTypeExtensionNode, Kind, parse, print, type ConstDirectiveNode, type ConstValueNode, type DocumentNode } from 'graphql';

/** A field's `@listSize`: how many items a list (or the `sizedFields` lists of a connection) holds. */
export interface ListSize {
  /** The size when no slicing argument has a value. */
  assumedSize?: number;
  /** Arguments whose value is the size (the largest, when several have one). */
  slicingArguments: readonly string[];
  /** Fields of the returned type that hold the items (`edges` of a connection). */
  sizedFields: readonly string[];
}

export interface CostRules {
  /** `@cost(weight:)` on fields, by coordinate (`Query.customers`). */
  fieldWeights: ReadonlyMap<string, number>;
  /** `@cost(weight:)` on types: a field returning the type weighs this unless it has its own weight. */
  typeWeights: ReadonlyMap<string, number>;
  /** `@listSize` on fields, by coordinate. */
  listSizes: ReadonlyMap<string, ListSize>;
}

/**
 * The weights and list sizes declared in a supergraph (honouring directives renamed by its `@link`).
 * Throws when `@cost` is on an argument or input field: the estimator does not count those, and a
 * weight it silently ignored would be a limit nobody enforces.
 */
export function readCostRules(supergraphSdl: string): CostRules {
  const document = parse(supergraphSdl);
  const names = costDirectiveNames(document);
  const fieldWeights = new Map<string, number>();
  const typeWeights = new Map<string, number>();
  const listSizes = new Map<string, ListSize>();
  const find = (directives: readonly ConstDirectiveNode[] | undefined, name: string) => directives?.find((d) => d.name.value === name);
  for (const definition of document.definitions) {
    if (!isTypeDefinitionNode(definition) && !isTypeExtensionNode(definition)) continue;
    const typeCost = find(definition.directives, names.cost);
    if (typeCost) typeWeights.set(definition.name.value, weightOf(typeCost));
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION || definition.kind === Kind.INPUT_OBJECT_TYPE_EXTENSION) {
      for (const field of definition.fields ?? []) if (find(field.directives, names.cost)) throw unsupported(`${definition.name.value}.${field.name.value}`);
    }
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION
      && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_EXTENSION) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${definition.name.value}.${field.name.value}`;
      for (const argument of field.arguments ?? []) if (find(argument.directives, names.cost)) throw unsupported(`${coordinate}(${argument.name.value}:)`);
      const cost = find(field.directives, names.cost);
      if (cost) fieldWeights.set(coordinate, weightOf(cost));
      const listSize = find(field.directives, names.listSize);
      if (listSize) listSizes.set(coordinate, listSizeOf(listSize));
    }
  }
  return { fieldWeights, typeWeights, listSizes };
}

/**
 * The names the supergraph's `@link(url: ".../cost/v0.1", as:, import:)` gives the two directives:
 * `@cost` is the spec's own name (`@<as>` when renamed); `@listSize` is `@listSize` (or its import
 * alias) when imported, else `@<as>__listSize`.
 */
function costDirectiveNames(document: DocumentNode): { cost: string; listSize: string } {
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    const link = definition.directives?.find((d) => d.name.value === 'link' && /\/cost\/v[\d.]+$/.test(stringValue(argument(d, 'url')) ?? ''));
    if (!link) continue;
    const prefix = stringValue(argument(link, 'as')) ?? 'cost';
    const imports = argument(link, 'import');
    const imported = (name: string) => {
      for (const entry of imports?.kind === Kind.LIST ? imports.values : []) {
        if (stringValue(entry) === name) return name.slice(1);
        if (entry.kind === Kind.OBJECT && stringValue(entry.fields.find((f) => f.name.value === 'name')?.value) === name) {
          return (stringValue(entry.fields.find((f) => f.name.value === 'as')?.value) ?? name).slice(1);
        }
      }
      return undefined;
    };
    return { cost: imported('@cost') ?? prefix, listSize: imported('@listSize') ?? `${prefix}__listSize` };
  }
  return { cost: 'cost', listSize: 'listSize' };
}

function weightOf(directive: ConstDirectiveNode): number {
  const weight = argument(directive, 'weight');
  const value = weight?.kind === Kind.INT ? Number(weight.value) : NaN;
  if (!(value >= 0)) throw new Error(`@cost weight must be a non-negative integer: ${weight ? print(weight) : 'none'}`);
  return value;
}

function listSizeOf(directive: ConstDirectiveNode): ListSize {
  const assumed = argument(directive, 'assumedSize');
  const strings = (node: ConstValueNode | undefined) => (node?.kind === Kind.LIST ? node.values.map(stringValue).filter((s): s is string => s !== undefined) : []);
  return {
    ...(assumed?.kind === Kind.INT && { assumedSize: Number(assumed.value) }),
    slicingArguments: strings(argument(directive, 'slicingArguments')),
    sizedFields: strings(argument(directive, 'sizedFields')),
  };
}

function unsupported(coordinate: string): Error {
  return new Error(`@cost on ${coordinate} is not supported: the gateway's estimate weighs fields and types only.`);
}

function argument(directive: ConstDirectiveNode, name: string): ConstValueNode | undefined {
  return directive.arguments?.find((a) => a.name.value === name)?.value;
}

function stringValue(node: ConstValueNode | undefined): string | undefined {
  return node?.kind === Kind.STRING ? node.value : undefined;
}
