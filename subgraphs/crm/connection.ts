/**
 * Customer connections over HubSpot's search paging. HubSpot's search `after` is the offset of the
 * next result, so a cursor wraps the offset just past its edge: any edge's cursor resumes right after it.
 */
import { decodeCursor, encodeCursor } from '../shared/pagination.ts';
import { codedError } from '../../schema/errors.ts';
import type { CustomerPage } from './loaders.ts';
import type { CrmCustomer } from './transforms.ts';

export interface CustomerConnection {
  edges: { cursor: string; node: CrmCustomer }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** The offset inside an `after` cursor (0 when absent); BAD_USER_INPUT naming the argument otherwise. */
export function offsetFromCursor(after: string | null | undefined): number {
  const token = decodeCursor(after);
  if (token === null) return 0;
  if (!/^\d+$/.test(token)) throw codedError('BAD_USER_INPUT', 'Argument "after" is not a cursor returned by this API.', { argument: 'after' });
  return Number(token);
}

/** `page` was fetched with a limit of at least one, so that `first: 0` still learns whether results exist. */
export function toCustomerConnection(page: CustomerPage, offset: number, first: number): CustomerConnection {
  const edges = page.customers.slice(0, first).map((node, i) => ({ cursor: encodeCursor(String(offset + i + 1)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: page.customers.length > first || page.hasMore, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
