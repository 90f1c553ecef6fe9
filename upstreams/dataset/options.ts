/** Dataset sizes from env (DATASET_SEED, DATASET_CUSTOMERS, DATASET_ORDERS, DATASET_PRODUCTS), for benchmarks. */
import { DEFAULT_DATASET_OPTIONS, type DatasetOptions } from './types.ts';

export function readDatasetOptions(env: NodeJS.ProcessEnv): DatasetOptions {
  const read = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer of at least ${min}: ${raw}`);
    return value;
  };
  return {
    seed: read('DATASET_SEED', DEFAULT_DATASET_OPTIONS.seed, 0),
    customers: read('DATASET_CUSTOMERS', DEFAULT_DATASET_OPTIONS.customers, 1),
    orders: read('DATASET_ORDERS', DEFAULT_DATASET_OPTIONS.orders, 0),
    products: read('DATASET_PRODUCTS', DEFAULT_DATASET_OPTIONS.products, 1),
  };
}
