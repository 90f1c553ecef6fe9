import { describe, expect, it } from 'vitest';
import { compileSearch, parseSearch, type SearchFields } from '../../upstreams/shopify/search.ts';
import { numberField, textField, timeField } from '../../upstreams/shopify/search-fields.ts';
import { anyOf, changedSinceQuery, orderSearchQuery, quoteValue } from '../../subgraphs/commerce/shopify-search.ts';

interface Row { id: number; email: string | null; updatedAt: string; tags: string[] }

const fields: SearchFields<Row> = {
  fields: {
    id: numberField((r) => r.id),
    email: textField((r) => r.email),
    tag: textField((r) => r.tags),
    updated_at: timeField((r) => r.updatedAt),
  },
  text: (r) => [r.email],
};

const rows: Row[] = [
  { id: 1, email: 'ada@example.com', updatedAt: '2026-11-01T10:00:00Z', tags: ['vip'] },
  { id: 2, email: 'Bob.O@Example.com', updatedAt: '2026-11-20T09:15:00Z', tags: [] },
  { id: 3, email: null, updatedAt: '2026-10-31T23:59:59Z', tags: ['vip', 'wholesale'] },
];

const ids = (query: string) => rows.filter(compileSearch(query, fields).matches).map((r) => r.id);

describe('Shopify search syntax in the stand-in', () => {
  it('matches an email case-insensitively, quoted or not', () => {
    expect(ids('email:bob.o@example.com')).toEqual([2]);
    expect(ids('email:"ADA@example.com"')).toEqual([1]);
  });

  it('joins terms with OR, and by juxtaposition or AND with AND binding tighter', () => {
    expect(ids('email:ada@example.com OR email:bob.o@example.com')).toEqual([1, 2]);
    expect(ids('tag:vip updated_at:>=2026-11-01')).toEqual([1]);
    expect(ids('tag:vip AND id:3 OR id:2')).toEqual([2, 3]);
    expect(ids('tag:vip (id:3 OR id:2)')).toEqual([3]);
  });

  it('negates a term with a leading dash or NOT', () => {
    expect(ids('-tag:vip')).toEqual([2]);
    expect(ids('NOT email:ada@example.com')).toEqual([2, 3]);
  });

  it("compares instants, with a quoted ISO value or a date that means midnight UTC", () => {
    expect(ids("updated_at:>'2026-11-01T10:00:00Z'")).toEqual([2]);
    expect(ids('updated_at:<2026-11-01')).toEqual([3]);
    expect(ids('updated_at:<=2026-11-01T10:00:00Z')).toEqual([1, 3]);
    expect(ids('updated_at:2026-11-20')).toEqual([2]);
  });

  it('compares numbers and matches a trailing * on a bare value as a prefix', () => {
    expect(ids('id:>=2')).toEqual([2, 3]);
    expect(ids('email:bob*')).toEqual([2]);
    expect(ids('email:*')).toEqual([1, 2]);
  });

  it('reads a * inside quotes as a plain character, as in any phrase', () => {
    expect(ids('email:"bob*"')).toEqual([]);
    expect(ids('email:"*"')).toEqual([]);
  });

  it('reads a backslash outside quotes as escaping the next character', () => {
    expect(parseSearch(String.raw`email:a\:b\(c\)`)).toEqual({ kind: 'term', field: 'email', comparator: ':', value: 'a:b(c)' });
    expect(ids(String.raw`email:bob\*`)).toEqual([]);
  });

  it('matches free text against the default fields', () => {
    expect(ids('example.com')).toEqual([1, 2]);
  });

  it('ignores a term on an unknown field and reports it as a warning', () => {
    const { matches, warnings } = compileSearch('colour:red id:1', fields);
    expect(rows.filter(matches).map((r) => r.id)).toEqual([1]);
    expect(warnings).toEqual([{ field: 'colour', message: 'Invalid search field for this query.' }]);
  });

  it('reads escaped quotes inside a quoted value', () => {
    expect(parseSearch(String.raw`email:"o\"neil@example.com"`)).toEqual({ kind: 'term', field: 'email', comparator: ':', value: 'o"neil@example.com' });
  });

  it('matches everything for an empty query', () => {
    expect(ids('')).toEqual([1, 2, 3]);
    expect(ids('   ')).toEqual([1, 2, 3]);
  });
});

describe('search queries the commerce client builds', () => {
  it('quotes every value so an email or SKU stays one literal', () => {
    expect(quoteValue('a"b\\c')).toBe(String.raw`"a\"b\\c"`);
    expect(anyOf('sku', ['SKU-1', 'SKU 2'])).toBe('sku:"SKU-1" OR sku:"SKU 2"');
  });

  it('keeps a hostile value one term that matches only a record holding exactly that text', () => {
    const hostile = ['" OR email:*', 'x" OR -email:"y', '\\" OR id:>0 OR "', ') OR (id:>0', 'NOT email:x', '-email:ada@example.com', '*', 'a\u0000b', 'x'.repeat(10_000)];
    for (const value of hostile) {
      const literal: Row = { id: 9, email: value, updatedAt: '2026-11-01T10:00:00Z', tags: [] };
      const { matches } = compileSearch(anyOf('email', [value]), fields);
      expect([...rows, literal].filter(matches).map((r) => r.id)).toEqual([9]);
      expect(parseSearch(anyOf('email', [value]))).toEqual({ kind: 'term', field: 'email', comparator: ':', value });
    }
  });

  it('asks for records changed at or after a time, floored to its second', () => {
    expect(changedSinceQuery(Date.parse('2026-11-20T09:15:00.999Z'))).toBe('updated_at:>="2026-11-20T09:15:00Z"');
  });

  it('selects each status with the terms that rank above it excluded', () => {
    expect(orderSearchQuery({ status: 'CANCELLED' })).toBe('status:cancelled');
    expect(orderSearchQuery({ status: 'PAID' })).toBe(
      '-status:cancelled -financial_status:refunded -fulfillment_status:fulfilled -fulfillment_status:partial financial_status:paid');
  });

  it('filters placement dates exclusively and combines them with the status', () => {
    expect(orderSearchQuery({ status: 'REFUNDED', placedAfter: '2026-01-01T00:00:00.000Z', placedBefore: '2026-02-01T00:00:00.000Z' })).toBe(
      '-status:cancelled financial_status:refunded created_at:>"2026-01-01T00:00:00.000Z" created_at:<"2026-02-01T00:00:00.000Z"');
  });

  it('sends no query when nothing is filtered', () => {
    expect(orderSearchQuery(null)).toBeNull();
    expect(orderSearchQuery({})).toBeNull();
  });
});
