/**
 * Per-caller cost budgets: each caller (token subject, within its client id) spends the estimated cost
 * of its operations from a budget of points per minute (a fixed one-minute window, counted in memory or,
 * with DATABASE_URL, in PostgreSQL shared by every gateway replica: budget-counter.ts). A caller past
 * its budget is refused with RATE_LIMITED and told when the window resets.
 */
import { createHash } from 'node:crypto';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal.ts';
import type { CostBudgets } from './limits.ts';
import { memoryBudgetCounter, type BudgetCounter } from './budget-counter.ts';

/** The caller's budget after a spend, or after a refusal (nothing spent then). */
export interface BudgetDecision {
  allowed: boolean;
  /** Points per minute for this caller. */
  budget: number;
  /** Points left in the current window. */
  remaining: number;
  /** Seconds until the window resets (at least 1). */
  resetSeconds: number;
}

export interface CostBudget {
  /** Spends `cost` from the caller's budget, or refuses without spending when it would exceed it. */
  spend(principal: Principal, cost: number): Promise<BudgetDecision>;
}

export function createCostBudget(budgets: CostBudgets, counter: BudgetCounter = memoryBudgetCounter()): CostBudget {
  // One window of points per caller, whatever budget applies to it now: a caller whose tokens carry
  // different scopes still spends from one window. The store only counts; the budget is checked here.
  return {
    async spend(principal, cost) {
      const budget = budgetOf(budgets, principal);
      const key = callerKey(principal);
      const decision = (allowed: boolean, state: RateLimiterRes | null): BudgetDecision => ({
        allowed,
        budget,
        remaining: Math.min(budget, Math.max(0, budget - (state?.consumedPoints ?? 0))),
        resetSeconds: Math.max(1, Math.ceil((state?.msBeforeNext ?? 60_000) / 1000)),
      });
      if (cost <= 0) return decision(true, await counter.get(key));
      // Added first and given back if over: one atomic step in a shared store, so two replicas never both
      // spend the last points. A refused request costs nothing, so a caller is never locked out longer
      // than its window (while one is being given back, a concurrent request may be refused too early).
      const spent = await counter.penalty(key, cost);
      if (spent.consumedPoints <= budget) return decision(true, spent);
      return decision(false, await counter.reward(key, cost));
    },
  };
}

/** The caller's key in the store: a digest, so the table holds no token subjects, and of any length. */
function callerKey(principal: Principal): string {
  return createHash('sha256').update(`${principal.clientId ?? ''}\u0000${principal.subject}`).digest('base64url');
}

/** The caller's points per minute: its client's budget, else the largest of its scopes', else the default. */
export function budgetOf(budgets: CostBudgets, principal: Principal): number {
  const byClient = principal.clientId === null ? undefined : budgets.byClient.get(principal.clientId);
  if (byClient !== undefined) return byClient;
  const byScope = [...principal.scopes].flatMap((scope) => budgets.byScope.get(scope) ?? []);
  return byScope.length > 0 ? Math.max(...byScope) : budgets.perMinute;
}
