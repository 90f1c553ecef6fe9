/**
 * A shop order read while still inside its grace period, and never changed again, is reported as
 * missing its ERP sales order once the grace period is over: no feed would return it again.
 */
import { describe, expect, it } from 'vitest';
import { useStack } from './harness.ts';
import { generateDataset } from '../../upstreams/dataset/generate.ts';
import { syncPass } from '../support/sync-cli.ts';

// The newest order the generator left without a sales order; its grace period ends 20 s after this file
// loads (room for starting the stack and a first pass on a busy machine).
const dataset = generateDataset();
const missing = dataset.disagreements.filter((d) => d.kind === 'MISSING_ERP_ORDER')
  .filter((d) => !dataset.shopify.orders.find((o) => o.id === d.shopOrderId)!.cancelledAt)
  .sort((a, b) => Date.parse(b.placedAt) - Date.parse(a.placedAt))[0];
const graceMs = Date.now() - Date.parse(missing.placedAt) + 20_000;
const graceEnds = Date.parse(missing.placedAt) + graceMs;
const t = useStack({ env: { ORDER_GRACE_MS: String(graceMs) } });

/** The order numbers reported as missing their sales order, every page. */
async function reported(): Promise<string[]> {
  const numbers: string[] = [];
  let after: string | null = null;
  do {
    const { body } = await t.gql('query($after: String) { discrepancies(first: 100, after: $after, kind: MISSING_ERP_ORDER) { edges { node { canonicalValue } } pageInfo { hasNextPage endCursor } } }', { after });
    numbers.push(...body.data.discrepancies.edges.map((e: { node: { canonicalValue: string } }) => e.node.canonicalValue));
    after = body.data.discrepancies.pageInfo.hasNextPage ? body.data.discrepancies.pageInfo.endCursor : null;
  } while (after);
  return numbers;
}

describe('the grace period of a new shop order', () => {
  it('holds the report back while it runs, and reports the order on the first pass after it ends', { timeout: 60_000 }, async () => {
    const first = await syncPass(t.stack.subgraphs.sync!.url);
    expect(first.finishedAt).toBeLessThan(graceEnds);
    expect(await reported()).not.toContain(missing.orderNumber);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, graceEnds - Date.now()) + 200));

    const next = await syncPass(t.stack.subgraphs.sync!.url);
    expect(next.status).toBe('DONE');
    expect(await reported()).toContain(missing.orderNumber);
  });
});
