import type { Dataset } from './types.ts';
import type { Random } from './random.ts';
import type { CustomerPlan } from './generate.ts';
import { breakLinks, duplicateEmails } from './customer-disagreements.ts';
import { missingErpOrders, skewOrderTotals } from './order-disagreements.ts';

/**
 * Plants the disagreements that the main generation does not make (ambiguous emails, broken links,
 * order totals that differ) into a freshly generated dataset, and appends them to its manifest,
 * followed by every shop order left without an ERP sales order. Draws only from `rng`, so the
 * records it does not touch stay byte for byte as the seed made them. Each kind is skipped when
 * the dataset (a small test size) has no record fit for it.
 */
export function plantDisagreements(dataset: Dataset, plans: CustomerPlan[], rng: Random, now: number): void {
  const used = new Set<string>();
  dataset.disagreements.push(...duplicateEmails(dataset, plans, rng, now, used));
  dataset.disagreements.push(...breakLinks(dataset, plans, rng, used));
  dataset.disagreements.push(...skewOrderTotals(dataset, rng));
  dataset.disagreements.push(...missingErpOrders(dataset));
}
