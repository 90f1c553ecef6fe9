/**
 * Relay connections as Shopify serves them: sorted by a sort key with the id breaking ties, `reverse`
 * flipping the order, opaque cursors that carry the position (last id and sort value) so that a page
 * stays exact when records are added or change in front of it.
 */
import { GraphQLError } from 'graphql';

const MAX_PAGE_SIZE = 250;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

type SortValue = number | string;

/** One page of `items` ordered by `sortValue` then `idOf`. */
export function paginate<T>(items: readonly T[], args: PageArgs, sortValue: (item: T) => SortValue, idOf: (item: T) => number): Connection<T> {
  const first = checkFirst(args.first);
  const direction = args.reverse ? -1 : 1;
  const keyOf = (item: T): [SortValue, number] => [sortValue(item), idOf(item)];
  const order = (a: [SortValue, number], b: [SortValue, number]) =>
    direction * (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]);

  // Each key computed once, not at every comparison.
  const sorted = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => order(a.key, b.key));
  const after = args.after ? decodeCursor(args.after) : null;
  const start = after ? sorted.findIndex((entry) => order(entry.key, after) > 0) : 0;
  const from = start === -1 ? sorted.length : start;
  const page = sorted.slice(from, from + first).map((entry) => entry.item);
  return toConnection(page, keyOf, from + first < sorted.length, from > 0);
}

/** The connection of one page, each edge's cursor carrying its position. */
export function toConnection<T>(page: T[], keyOf: (item: T) => [SortValue, number], hasNextPage: boolean, hasPreviousPage: boolean): Connection<T> {
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: page,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

export function checkFirst(first: number | null | undefined): number {
  if (first === null || first === undefined) throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
  if (first < 0 || first > MAX_PAGE_SIZE) {
    throw new GraphQLError(`The first argument must be between 0 and ${MAX_PAGE_SIZE}: ${first}`, { extensions: { code: 'BAD_REQUEST' } });
  }
  return first;
}

const encodeCursor = ([value, id]: [SortValue, number]): string =>
  Buffer.from(JSON.stringify({ last_id: id, last_value: value }), 'utf8').toString('base64');

export function decodeCursor(cursor: string): [SortValue, number] {
  try {
    const { last_id: id, last_value: value } = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    if (typeof id === 'number' && (typeof value === 'number' || typeof value === 'string')) return [value, id];
  } catch {
    // fall through to the refusal below
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST' } });
}
