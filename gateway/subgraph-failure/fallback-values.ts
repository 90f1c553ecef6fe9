/**
 * What a field a dead subgraph should have resolved becomes: the same values the subgraphs themselves
 * fall back to when their upstream fails (subgraphs/shared/field-errors.ts), so a dead subgraph and a
 * dead upstream look alike to clients.
 */
import { getNamedType, isListType, isNonNullType, isObjectType, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { unavailableSource } from '../../subgraphs/shared/sources.ts';
import { UNAVAILABLE_MARKER } from '../../subgraphs/shared/version.ts';

/** A field's stand-in value; `report` says whether the client sees an error at its path. */
export type Fallback = { value: unknown; report: boolean };

/**
 * The inaccessible fields another subgraph @requires, and the "could not be read" value its owner
 * returns when its upstream fails. The consumer reports the gap (e.g. the CRM in `version` and
 * `sources`), so no error is added here.
 */
const INTERNAL_FALLBACKS: Record<string, () => unknown> = {
  'Customer.erpSource': () => unavailableSource('ERP'),
  'Customer.commerceSource': () => unavailableSource('COMMERCE'),
  'Customer.socialSource': () => unavailableSource('SOCIAL'),
  // Null is "shop totals unreadable" to the ERP's lifetimeValue, which reports it.
  'Customer.shopOrderTotals': () => null,
  'Order.erpVersion': () => UNAVAILABLE_MARKER,
};

/** What subgraphs/commerce/transforms.ts EMPTY_ORDER_PAGE is for every connection. */
const EMPTY_PAGE = { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };

/**
 * The stand-in for `field` of `parent`, or undefined when it has none (a non-null scalar or object,
 * e.g. Order.totalIn): GraphQL then nulls up to the nearest nullable parent. Nullable fields get
 * null, non-null lists `[]`, non-null connections the empty page; each with an error at its path.
 */
export function fallbackFor(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): Fallback | undefined {
  const internal = INTERNAL_FALLBACKS[`${parent.name}.${field.name}`];
  if (internal) return { value: internal(), report: false };
  if (!isNonNullType(field.type)) return { value: null, report: true };
  if (isListType(field.type.ofType)) return { value: [], report: true };
  if (isConnection(getNamedType(field.type))) return { value: EMPTY_PAGE, report: true };
  return undefined;
}

/** A Relay-style connection: an object type with an `edges` list and a `pageInfo`. */
function isConnection(type: unknown): boolean {
  if (!isObjectType(type)) return false;
  const { edges, pageInfo } = type.getFields();
  return !!edges && !!pageInfo && isListType(isNonNullType(edges.type) ? edges.type.ofType : edges.type);
}
