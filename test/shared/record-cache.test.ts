/**
 * The record cache's own rules, where the real stack cannot reach them on demand: a drop's memory is
 * bounded without letting an old read store, a whole kind (or everything) can be dropped, other systems' keys are not
 * its business, and a TTL of 0 means no cache at all. (The stack-level behaviour: test/e2e/record-cache.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { createRecordCache } from '../../subgraphs/shared/record-cache/record-cache.ts';
import { crmContactKey, erpPartnerKey, everyOf, everythingOf } from '../../subgraphs/shared/record-cache/record-keys.ts';

const record = (phone: string) => ({ phone });

describe('the record cache', () => {
  it('is off with a TTL of 0', () => {
    expect(createRecordCache('CRM', { ttlMs: 0, maxEntries: 10 })).toBeNull();
  });

  it('keeps a record read after its last drop, refuses one read before it', () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    const early = contacts.ticket();
    cache.drop([crmContactKey('1')]);
    expect(contacts.set('1', record('old'), early)).toBe(false);
    expect(contacts.get('1')).toBeUndefined();
    expect(contacts.set('1', record('new'), contacts.ticket())).toBe(true);
    expect(contacts.get('1')).toEqual(record('new'));
    // A drop of another record does not concern this one's readers.
    const ticket = contacts.ticket();
    cache.drop([crmContactKey('2')]);
    expect(contacts.set('1', record('newer'), ticket)).toBe(true);
  });

  it('ignores keys of other systems', () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    contacts.set('7', record('kept'), contacts.ticket());
    cache.drop([erpPartnerKey('7')]);
    expect(contacts.get('7')).toEqual(record('kept'));
  });

  it('still refuses an old read once the drop it missed has been forgotten (more drops than it remembers)', () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 3 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    const early = contacts.ticket();
    cache.drop([crmContactKey('1')]);
    cache.drop(['2', '3', '4', '5'].map(crmContactKey));
    expect(contacts.set('1', record('old'), early)).toBe(false);
    expect(contacts.set('1', record('new'), contacts.ticket())).toBe(true);
  });

  it('drops every record of a kind at once, and refuses reads of that kind begun before', () => {
    const cache = createRecordCache('ERP', { ttlMs: 60_000, maxEntries: 10 })!;
    const orders = cache.shelf<{ phone: string }>('sale_order');
    const partners = cache.shelf<{ phone: string }>('partner');
    orders.set('#1001', record('a'), orders.ticket());
    partners.set('5', record('b'), partners.ticket());
    const early = orders.ticket();
    cache.drop([everyOf('ERP', 'sale_order')]);
    expect(orders.get('#1001')).toBeUndefined();
    expect(orders.set('#1002', record('c'), early)).toBe(false);
    expect(partners.get('5')).toEqual(record('b'));
  });

  it('drops everything of its system at once (news may have been missed), and refuses every read begun before', () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    const companies = cache.shelf<{ phone: string }>('company');
    contacts.set('1', record('a'), contacts.ticket());
    companies.set('2', record('b'), companies.ticket());
    const early = contacts.ticket();
    cache.drop([everythingOf('ERP')]);
    expect(contacts.get('1')).toEqual(record('a'));
    cache.drop([everythingOf('CRM')]);
    expect([contacts.get('1'), companies.get('2')]).toEqual([undefined, undefined]);
    expect(contacts.set('3', record('old'), early)).toBe(false);
    expect(companies.set('3', record('new'), companies.ticket())).toBe(true);
  });

  it('offers a read in flight to later reads until it settles, but not once its record was dropped', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    let answer: (value: { phone: string }) => void = () => {};
    const read = new Promise<{ phone: string }>((resolve) => { answer = resolve; });
    contacts.share('1', read, contacts.ticket());
    expect(contacts.pending('1')).toBe(read);
    expect(contacts.pending('2')).toBeUndefined();
    cache.drop([crmContactKey('1')]);
    expect(contacts.pending('1')).toBeUndefined();
    // Settled: no longer offered, whether or not it was dropped.
    const later = Promise.resolve({ phone: 'b' });
    contacts.share('2', later, contacts.ticket());
    answer(record('a'));
    await later;
    await read;
    await new Promise((resolve) => setImmediate(resolve));
    expect(contacts.pending('2')).toBeUndefined();
  });

  it('stops offering reads in flight when everything of its system is dropped, and survives a failed one', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 60_000, maxEntries: 10 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    contacts.share('1', new Promise(() => {}), contacts.ticket());
    cache.drop([everythingOf('CRM')]);
    expect(contacts.pending('1')).toBeUndefined();
    // Nobody waits for this one: its failure must not surface as an unhandled rejection.
    contacts.share('3', Promise.reject(new Error('down')), contacts.ticket());
    await new Promise((resolve) => setImmediate(resolve));
    expect(contacts.pending('3')).toBeUndefined();
  });

  it('forgets a record after its TTL', async () => {
    const cache = createRecordCache('CRM', { ttlMs: 30, maxEntries: 10 })!;
    const contacts = cache.shelf<{ phone: string }>('contact');
    contacts.set('1', record('a'), contacts.ticket());
    expect(contacts.get('1')).toEqual(record('a'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(contacts.get('1')).toBeUndefined();
  });
});
