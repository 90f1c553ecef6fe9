/**
 * Company-wide reference data: the company currency and the exchange-rate table. Both are the same for
 * every caller (no customer's data is in them), so one instance may serve every request of a subgraph
 * and keep them for `ttlMs` (an explicit lru-cache per Odoo database). With ttlMs = 0 they are kept for
 * the instance's life instead, and the subgraph makes one instance per request. Either way concurrent
 * callers share one upstream call.
 */
import { LRUCache } from 'lru-cache';
import { codedError } from '../../schema/errors.ts';
import type { OdooClient } from './client.ts';
import { many2oneName } from './odoo-values.ts';
import { buildRateTable, type RateTable } from './rates.ts';
import { recordCacheLookup } from '../shared/observability/cache-lookup.ts';
import { boundAnswerTtl, namedRead } from '../shared/record-cache/answer-dependencies.ts';

export interface ReferenceData {
  companyCurrency(): Promise<string>;
  rateTable(): Promise<RateTable>;
}

export function createReferenceData(client: OdooClient, ttlMs: number): ReferenceData {
  const companyCurrency = cached('odoo_company_currency', ttlMs, async () => {
    const code = many2oneName((await client.mainCompany())?.currency_id);
    if (!code) throw codedError('UPSTREAM_ERROR', 'Odoo reported no company currency.', { system: 'Odoo' });
    return code;
  });
  const rateTable = cached('odoo_rate_table', ttlMs, async () => {
    const [currency, rates] = await Promise.all([companyCurrency(), client.currencyRates()]);
    return buildRateTable(rates, currency);
  });
  return { companyCurrency, rateTable };
}

/**
 * `load`, remembered for ttlMs (0: for good); failures are not remembered. Each call counts as a hit
 * of the cache `name` when the value (or, with ttlMs 0, its load) was there already. Odoo's reference
 * data is never written by this gateway: an answer using it may be kept by the gateway for what is left
 * of its TTL (answer-dependencies.ts), and not at all when it is read per request (ttlMs 0).
 */
function cached<T>(name: string, ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  if (ttlMs <= 0) {
    let promise: Promise<T> | undefined;
    return () => {
      recordCacheLookup(name, promise !== undefined);
      boundAnswerTtl(0);
      return (promise ??= load().catch((err: unknown) => {
        promise = undefined;
        throw err;
      }));
    };
  }
  const cache = new LRUCache<'value', { value: T }>({ max: 1, ttl: ttlMs, fetchMethod: async () => ({ value: await load() }) });
  return async () => {
    recordCacheLookup(name, cache.has('value'));
    const { value } = (await namedRead(() => cache.fetch('value')))!;
    boundAnswerTtl(cache.getRemainingTTL('value'));
    return value;
  };
}
