/** The cost model: read the weights once at start-up, estimate each operation, refuse one over the limit. */
export { readCostRules, type CostRules, type ListSize } from './cost-rules.ts';
export { estimateCost } from './estimate-cost.ts';
export { costError, DEFAULT_MAX_QUERY_COST } from './cost-error.ts';
