/**
 * Where the per-caller cost budgets are counted (rate-limiter-flexible, a fixed one-minute window per
 * caller): in memory without DATABASE_URL, in PostgreSQL with it, so that every gateway replica spends
 * from one window and a caller never gets a full budget from each. cost-budget.ts only adds and gives
 * back points and reads them; it does not know which store counts.
 *
 * On PostgreSQL a statement that fails or takes longer than BUDGET_STORE_TIMEOUT_MS is counted in this
 * replica's memory instead (the insurance limiter): while the database is out, each replica enforces
 * the budget on its own (a caller may get up to one budget per replica) rather than every request
 * being refused or waiting on it.
 */
import type { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RLWrapperTimeouts, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** The window each caller's spending is counted in. */
const WINDOW_S = 60;
/** The table rate-limiter-flexible creates (if missing) and owns: key, points, expire. */
export const BUDGET_TABLE = 'cost_budget_windows';
/** A budget check waits this long for the database before it counts in memory. */
export const BUDGET_STORE_TIMEOUT_MS = 500;

/** Adds (penalty), gives back (reward) and reads (get) a caller's points in its current window. */
export type BudgetCounter = Pick<RateLimiterAbstract, 'get' | 'penalty' | 'reward'>;

// The store only counts (no limit of its own): the caller's budget is checked in cost-budget.ts.
const COUNT_ONLY = { points: Number.MAX_SAFE_INTEGER, duration: WINDOW_S };

export function memoryBudgetCounter(): BudgetCounter {
  return new RateLimiterMemory(COUNT_ONLY);
}

/**
 * Counts in BUDGET_TABLE on `pool`, which the limiter creates if missing: resolves once it exists, and
 * rejects (the gateway does not start) if it cannot be created. Rows of windows past for an hour are
 * deleted by the limiter every 5 minutes.
 */
export function postgresBudgetCounter(pool: Pool, onFallback: () => void): Promise<BudgetCounter> {
  return new Promise((resolve, reject) => {
    const limiter: RateLimiterPostgres = new RateLimiterPostgres({ ...COUNT_ONLY, storeClient: pool, storeType: 'pool', tableName: BUDGET_TABLE, keyPrefix: 'cost' },
      // The insurance on the wrapper alone: a statement that times out and then fails is counted in memory once.
      (err) => (err ? reject(err) : resolve(new RLWrapperTimeouts({ limiter, timeoutMs: BUDGET_STORE_TIMEOUT_MS, insuranceLimiter: new FallbackCounter(onFallback) }))));
  });
}

/** The insurance limiter: counts in memory, and tells `onFallback` each time it has to (the database failed or was late). */
class FallbackCounter extends RateLimiterMemory {
  constructor(private readonly onFallback: () => void) {
    super(COUNT_ONLY);
  }

  override penalty(...args: Parameters<RateLimiterMemory['penalty']>) {
    this.onFallback();
    return super.penalty(...args);
  }

  override reward(...args: Parameters<RateLimiterMemory['reward']>) {
    this.onFallback();
    return super.reward(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>) {
    this.onFallback();
    return super.get(...args);
  }
}
