/**
 * Per-caller cost budgets: each caller (token subject, within its client id) spends the estimated cost
 * of its operations from a budget of points per minute (a fixed one-minute window, rate-limiter-flexible
 * in memory; the store moves to a shared one when the gateway scales out). A caller past its budget
 * is refused with RATE_LIMITED and told when the window resets.
 */
import { RateLimiterMemory, type RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal.ts';
import type { CostBudgets } from './limits.ts';

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

export function createCostBudget(budgets: CostBudgets): CostBudget {
  // One window of points per caller, whatever budget applies to it now: a caller whose tokens carry
  // different scopes still spends from one window. The store only counts; the budget is checked here.
  const spent = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 60 });
  return {
    async spend(principal, cost) {
      const budget = budgetOf(budgets, principal);
      const key = `${principal.clientId ?? ''}\u0000${principal.subject}`;
      const decision = (allowed: boolean, state: RateLimiterRes | null): BudgetDecision => ({
        allowed,
        budget,
        remaining: Math.max(0, budget - (state?.consumedPoints ?? 0)),
        resetSeconds: Math.max(1, Math.ceil((state?.msBeforeNext ?? 60_000) / 1000)),
      });
      const state = await spent.get(key);
      // Checked before spending: a refused request costs nothing, so a caller is never locked out longer than its window.
      if ((state?.consumedPoints ?? 0) + cost > budget) return decision(false, state);
      if (cost <= 0) return decision(true, state);
      return decision(true, await spent.consume(key, cost));
    },
  };
}

/** The caller's points per minute: its client's budget, else the largest of its scopes', else the default. */
export function budgetOf(budgets: CostBudgets, principal: Principal): number {
  const byClient = principal.clientId === null ? undefined : budgets.byClient.get(principal.clientId);
  if (byClient !== undefined) return byClient;
  const byScope = [...principal.scopes].flatMap((scope) => budgets.byScope.get(scope) ?? []);
  return byScope.length > 0 ? Math.max(...byScope) : budgets.perMinute;
}
