/** Cursor pagination helpers: opaque cursors and checked `first` arguments. */
import { codedError } from '../../schema/errors.ts';

/** Wraps an upstream's own paging token (HubSpot `after`, Shopify cursor, an offset) in an opaque cursor. */
export const encodeCursor = (token: string): string => Buffer.from(`cursor:${token}`, 'utf8').toString('base64url');

/** The upstream paging token inside a cursor; BAD_USER_INPUT naming the argument when it is not one of ours. */
export function decodeCursor(cursor: string | null | undefined, argument = 'after'): string | null {
  if (cursor === null || cursor === undefined) return null;
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith('cursor:')) throw codedError('BAD_USER_INPUT', `Argument "${argument}" is not a cursor returned by this API.`, { argument });
  return text.slice('cursor:'.length);
}

/** Checks `first` against 0..max; BAD_USER_INPUT naming the argument otherwise. */
export function checkFirst(first: number | null | undefined, max: number, fallback = 20): number {
  const value = first ?? fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw codedError('BAD_USER_INPUT', `Argument "first" must be between 0 and ${max}: ${value}.`, { argument: 'first' });
  }
  return value;
}
