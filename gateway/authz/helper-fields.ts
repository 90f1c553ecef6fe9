/**
 * The fields the authorizer adds to a query for its own use, under aliases no client alias can
 * collide with, and strips from the response before the client sees it.
 */
import { Kind, visit, type DocumentNode, type FieldNode } from 'graphql';

export interface HelperFields {
  /** Every helper alias starts with it; no alias or field name in the client's document does. */
  prefix: string;
  /** `<prefix>id: id` on Customer selections that serve audited fields: whose data was served. */
  id: string;
  /** `<prefix>typename: __typename` on interface and union selections: which fragments applied. */
  typename: string;
  /** `<prefix>empty: __typename` in a selection set every field of which was removed. */
  empty: string;
}

/** Helper aliases for this document: `__authz_…`, or `__authz1_…` and so on if the client uses that prefix. */
export function helperFieldsFor(document: DocumentNode): HelperFields {
  const names: string[] = [];
  visit(document, { Field: (node) => void names.push(node.name.value, ...(node.alias ? [node.alias.value] : [])) });
  let prefix = '__authz_';
  for (let n = 1; names.some((name) => name.startsWith(prefix)); n += 1) prefix = `__authz${n}_`;
  return { prefix, id: `${prefix}id`, typename: `${prefix}typename`, empty: `${prefix}empty` };
}

export function helperField(alias: string, name: string): FieldNode {
  return { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } };
}

/** Deletes every helper field from a response's data, at any depth. */
export function stripHelperFields(value: unknown, prefix: string): void {
  if (Array.isArray(value)) {
    for (const item of value) stripHelperFields(item, prefix);
  } else if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) {
      if (key.startsWith(prefix)) delete (value as Record<string, unknown>)[key];
      else stripHelperFields((value as Record<string, unknown>)[key], prefix);
    }
  }
}
