/**
 * The sync service's writes announce what they touched: a created shop customer or ERP partner by its
 * new id (a match by email may find it next), and the whole kind when a create failed and may have landed.
 */
import { describe, expect, it } from 'vitest';
import type { Adapters } from '../../subgraphs/sync/adapters.ts';
import { invalidatingAdapters } from '../../subgraphs/sync/record-invalidation/invalidating-adapters.ts';
import { createLocalInvalidation } from '../../subgraphs/shared/record-cache/record-invalidation.ts';
import { keyText, type RecordKey } from '../../subgraphs/shared/record-cache/record-keys.ts';

function adaptersCreating(create: () => Promise<string>): Adapters {
  const linked = { create } as unknown as Adapters['erp'];
  return { crm: {} as Adapters['crm'], erp: linked, commerce: linked as unknown as Adapters['commerce'] };
}

async function published(create: () => Promise<string>, system: 'erp' | 'commerce'): Promise<string[]> {
  const invalidation = createLocalInvalidation();
  const heard: RecordKey[] = [];
  invalidation.subscribe((keys) => { heard.push(...keys); });
  const adapters = invalidatingAdapters(adaptersCreating(create), invalidation);
  await adapters[system].create({} as never).catch(() => undefined);
  await new Promise((resolve) => setImmediate(resolve));
  return heard.map(keyText);
}

describe('invalidatingAdapters create', () => {
  it('announces the partner or shop customer created, by its new id', async () => {
    expect(await published(async () => '42', 'erp')).toEqual(['ERP:partner:42']);
    expect(await published(async () => 'gid://shopify/Customer/7', 'commerce')).toEqual(['COMMERCE:customer:7']);
  });

  it('announces the whole kind when a create failed (it may have landed)', async () => {
    const failing = async (): Promise<string> => { throw new Error('timed out'); };
    expect(await published(failing, 'erp')).toEqual(['ERP:partner:*']);
    expect(await published(failing, 'commerce')).toEqual(['COMMERCE:customer:*']);
  });
});
