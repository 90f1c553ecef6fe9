/**
 * The sync service's writes announce what they touched: a created shop customer or ERP partner by its
 * new id and its email's key (a match by email may find it next), the whole kind when a create failed and
 * may have landed, and an updated one by its id, with the email's key when the update gives it an email.
 */
import { describe, expect, it } from 'vitest';
import type { Adapters } from '../../subgraphs/sync/adapters.ts';
import { invalidatingAdapters } from '../../subgraphs/sync/record-invalidation/invalidating-adapters.ts';
import { createLocalInvalidation } from '../../subgraphs/shared/record-cache/record-invalidation.ts';
import { commerceCustomerEmailKey, erpPartnerEmailKey, keyText, type RecordKey } from '../../subgraphs/shared/record-cache/record-keys.ts';

/** Both linked systems' adapters, writing nothing: `create` as given. */
function adaptersCreating(create: () => Promise<string>): Adapters {
  const linked = { create, update: async () => undefined } as unknown as Adapters['erp'];
  return { crm: {} as Adapters['crm'], erp: linked, commerce: linked as unknown as Adapters['commerce'] };
}

async function published(write: (adapters: Adapters) => Promise<unknown>, create: () => Promise<string> = async () => '42'): Promise<string[]> {
  const invalidation = createLocalInvalidation();
  const heard: RecordKey[] = [];
  invalidation.subscribe((keys) => { heard.push(...keys); });
  await write(invalidatingAdapters(adaptersCreating(create), invalidation)).catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  return heard.map(keyText);
}
const creating = (system: 'erp' | 'commerce', email: string | null = null) => (adapters: Adapters) => adapters[system].create({ email } as never);

describe('invalidatingAdapters create', () => {
  it('announces the partner or shop customer created, by its new id and its email\'s key', async () => {
    expect(await published(creating('erp'))).toEqual(['ERP:partner:42']);
    expect(await published(creating('erp', ' Ada@Example.com'))).toEqual(['ERP:partner:42', keyText(erpPartnerEmailKey('ada@example.com')!)]);
    expect(await published(creating('commerce', 'ada@example.com'), async () => 'gid://shopify/Customer/7')).toEqual(['COMMERCE:customer:7', keyText(commerceCustomerEmailKey('ADA@example.com')!)]);
  });

  it('announces the whole kind when a create failed (it may have landed)', async () => {
    const failing = async (): Promise<string> => { throw new Error('timed out'); };
    expect(await published(creating('erp', 'ada@example.com'), failing)).toEqual(['ERP:partner:*']);
    expect(await published(creating('commerce'), failing)).toEqual(['COMMERCE:customer:*']);
  });
});

describe('invalidatingAdapters update', () => {
  it('announces the record by its id, and the email it gives it by the email\'s key', async () => {
    expect(await published((a) => a.erp.update('42', { phone: '+33611225501' }))).toEqual(['ERP:partner:42']);
    expect(await published((a) => a.erp.update('42', { email: false }))).toEqual(['ERP:partner:42']);
    expect(await published((a) => a.erp.update('42', { email: 'new@example.com' }))).toEqual(['ERP:partner:42', keyText(erpPartnerEmailKey('new@example.com')!)]);
    expect(await published((a) => a.commerce.update('gid://shopify/Customer/7', { email: 'new@example.com' })))
      .toEqual(['COMMERCE:customer:7', keyText(commerceCustomerEmailKey('new@example.com')!)]);
  });

  it('names an email by a digest that is the same for any case and spacing, and never by the address', () => {
    const key = keyText(erpPartnerEmailKey('Ada.Lovelace@Example.com')!);
    expect(key).toBe(keyText(erpPartnerEmailKey('  ada.lovelace@example.COM ')!));
    expect(key).not.toBe(keyText(erpPartnerEmailKey('ada.lovelace@example.org')!));
    expect(key.toLowerCase()).not.toContain('lovelace');
    expect(erpPartnerEmailKey('  ')).toBeNull();
  });
});
