/** `npm run load -- [--abuse] [--duration 20] [--clients 50] [--query email|page|mix] [--shopify-plus]` */
import { parseArgs } from 'node:util';

export type QueryMix = 'email' | 'page' | 'mix';

export interface LoadOptions {
  abuse: boolean;
  durationS: number;
  clients: number;
  query: QueryMix;
  /** Keep the Shopify stand-in's Shopify Plus throttle (100 query-cost points a second) instead of lifting it. */
  shopifyPlus: boolean;
}

export const USAGE = 'Usage: npm run load -- [--abuse] [--duration 20] [--clients 50] [--query email|page|mix] [--shopify-plus]';

/** Reads the command line; throws a message naming the bad value. */
export function readLoadOptions(args: string[]): LoadOptions {
  const { values } = parseArgs({
    args,
    options: {
      abuse: { type: 'boolean', default: false },
      duration: { type: 'string', default: '20' },
      clients: { type: 'string', default: '50' },
      query: { type: 'string', default: 'email' },
      'shopify-plus': { type: 'boolean', default: false },
    },
  });
  const number = (name: string, raw: string, min: number, max: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}: ${raw}`);
    return value;
  };
  if (!['email', 'page', 'mix'].includes(values.query)) throw new Error(`--query must be email, page or mix: ${values.query}`);
  return {
    abuse: values.abuse,
    durationS: number('duration', values.duration, 1, 600),
    clients: number('clients', values.clients, 1, 500),
    query: values.query as QueryMix,
    shopifyPlus: values['shopify-plus'],
  };
}
