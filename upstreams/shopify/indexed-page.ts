/**
 * Pages of a top-level connection (customers, orders) read through the store's indexes, in the same
 * order and with the same cursors as connection.ts's `paginate`: a query that names records by an
 * indexed field (`email:"…" OR email:"…"`, `name:"#1001"`) reads only those; any other walks the
 * sort key's view from the cursor's position until the page is full.
 */
import type { RecordIndexes } from '../shared/record-index.ts';
import { compareParts } from '../shared/record-index.ts';
import { checkFirst, decodeCursor, paginate, toConnection, type Connection, type PageArgs } from './connection.ts';
import type { SearchNode } from './search.ts';

/** Per search field, the lookup key a `field:value` term (exact, not a prefix) stands for. */
export type IndexedFields = Record<string, (value: string) => string>;

export interface IndexedSource<T extends { id: number }> {
  indexes: RecordIndexes<T>;
  /** Per indexed field, the values each record holds under it (as `IndexedFields` normalizes them). */
  holds: Record<string, (record: T) => readonly string[]>;
  normalize: IndexedFields;
}

export function indexedPage<T extends { id: number }>(
  source: IndexedSource<T>, root: SearchNode | null, matches: (record: T) => boolean, args: PageArgs, sortName: string, sortValue: (item: T) => number | string,
): Connection<T> {
  const named = candidates(source, root);
  if (named) return paginate(named.filter(matches), args, sortValue, (item) => item.id);
  const first = checkFirst(args.first);
  const view = source.indexes.sorted(`sort:${sortName}`, (item) => [sortValue(item), item.id], compareParts);
  const { records } = view;
  const step = args.reverse ? -1 : 1;
  const after = args.after ? decodeCursor(args.after) : null;
  // The first position past the cursor in the page's direction.
  const start = !after ? (step === 1 ? 0 : records.length - 1) : step === 1 ? view.seek(after, true) : view.seek(after) - 1;
  const page: T[] = [];
  let i = start;
  for (; i >= 0 && i < records.length && page.length < first; i += step) if (matches(records[i])) page.push(records[i]);
  let hasNextPage = false;
  for (; i >= 0 && i < records.length && !hasNextPage; i += step) hasNextPage = matches(records[i]);
  let hasPreviousPage = false;
  for (let j = start - step; after && j >= 0 && j < records.length && !hasPreviousPage; j -= step) hasPreviousPage = matches(records[j]);
  return toConnection(page, (item) => [sortValue(item), item.id], hasNextPage, hasPreviousPage);
}

/** The records a query names through an indexed field, or null when it does not narrow that way. */
function candidates<T extends { id: number }>(source: IndexedSource<T>, node: SearchNode | null): T[] | null {
  if (!node) return null;
  if (node.kind === 'term') {
    const normalize = node.field !== null && node.comparator === ':' && !node.prefix ? source.normalize[node.field] : undefined;
    if (!normalize) return null;
    const field = node.field!;
    return [...source.indexes.lookup(`field:${field}`, source.holds[field])(normalize(node.value))];
  }
  if (node.kind === 'and') {
    for (const part of node.nodes) {
      const found = candidates(source, part);
      if (found) return found;
    }
    return null;
  }
  if (node.kind === 'or') {
    const union = new Set<T>();
    for (const part of node.nodes) {
      const found = candidates(source, part);
      if (!found) return null;
      found.forEach((record) => union.add(record));
    }
    return [...union];
  }
  return null;
}
