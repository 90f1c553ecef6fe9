/**
 * The graph's view of reconciliation: Query.discrepancies, Customer.discrepancies, Query.syncStatus and
 * Mutation.resolveDiscrepancy. The values of personal fields a discrepancy mirrors need pii:read like
 * the Customer fields themselves; that depends on the row, so it is checked here rather than by
 * @requiresScopes (which the gateway and enforceScopes apply per schema field).
 */
import { GraphQLError } from 'graphql';
import { codedError } from '../../../schema/errors.ts';
import { decodeId, encodeId } from '../../shared/ids.ts';
import { checkFirst, decodeCursor, encodeCursor } from '../../shared/pagination.ts';
import { principalOf } from '../../shared/internal-auth.ts';
import { forbiddenMessage } from '../../shared/scope-rule.ts';
import type { WriteContext } from '../context.ts';
import type { Discrepancy, DiscrepancyKind, SyncStore, WriteSystem } from '../store/types.ts';
import { resolveDiscrepancy, type ResolveAction } from './resolve-discrepancy.ts';
import { syncOverview } from './sync-overview.ts';
import type { SystemGates } from '../pacing/guard-adapters.ts';

/** The compared fields that hold personal data. */
const PERSONAL_FIELDS = new Set(['name', 'firstName', 'lastName', 'email', 'phone', 'address', 'address.country']);
const PII_RULE = [['pii:read']] as const;
const MAX_PAGE = 100;

interface DiscrepancyArgs {
  first?: number | null;
  after?: string | null;
  system?: WriteSystem | 'SOCIAL' | null;
  kind?: DiscrepancyKind | null;
  resolved?: boolean | null;
}

export function reconcileResolvers(ctx: WriteContext, now: () => number, gates: SystemGates) {
  const store: SyncStore = ctx.store;
  const personalValue = (coordinate: string, pick: (d: Discrepancy) => string | null) => (d: Discrepancy, _: unknown, context: unknown) => {
    if (PERSONAL_FIELDS.has(d.field) && !principalOf(context)?.scopes.has('pii:read')) {
      throw new GraphQLError(forbiddenMessage(coordinate, PII_RULE, false), { extensions: { code: 'FORBIDDEN' } });
    }
    return pick(d);
  };
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

  return {
    Query: {
      discrepancies: async (_: unknown, args: DiscrepancyArgs) => {
        const first = checkFirst(args.first, MAX_PAGE);
        const after = decodeCursor(args.after);
        const afterSeq = after === null ? null : Number(after);
        if (afterSeq !== null && !Number.isSafeInteger(afterSeq)) {
          throw codedError('BAD_USER_INPUT', 'Argument "after" is not a cursor of this list.', { argument: 'after' });
        }
        // SOCIAL is read-only and never disagrees: an empty page, not an error.
        if (args.system === 'SOCIAL') return { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
        const rows = await store.discrepancies({ system: args.system, kind: args.kind, resolved: args.resolved }, afterSeq, first + 1);
        const page = rows.slice(0, first);
        return {
          edges: page.map((node) => ({ cursor: encodeCursor(String(node.seq)), node })),
          pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(String(page[page.length - 1].seq)) : null },
        };
      },
      syncStatus: () => syncOverview(store, now(), gates),
    },
    Customer: {
      __resolveReference: (ref: { id: string }) => ref,
      discrepancies: (customer: { id: string }, args: { resolved?: boolean | null }) => {
        const contactId = decodeId('Customer', customer.id);
        return contactId === null ? [] : store.discrepancies({ contactId, resolved: args.resolved }, null, 1000);
      },
    },
    Discrepancy: {
      id: (d: Discrepancy) => encodeId('Discrepancy', d.seq),
      field: (d: Discrepancy) => d.field || null,
      canonicalValue: personalValue('Discrepancy.canonicalValue', (d) => d.canonicalValue),
      sourceValue: personalValue('Discrepancy.sourceValue', (d) => d.sourceValue),
      detectedAt: (d: Discrepancy) => iso(d.detectedAt),
      resolvedAt: (d: Discrepancy) => iso(d.resolvedAt),
      customer: (d: Discrepancy) => (d.contactId === null ? null : { __typename: 'Customer', id: encodeId('Customer', d.contactId) }),
      order: (d: Discrepancy) => (d.orderId === null ? null : { __typename: 'Order', id: encodeId('Order', d.orderId) }),
    },
    Mutation: {
      resolveDiscrepancy: (_: unknown, args: { id: string; action: ResolveAction; expectedVersion?: string | null }) =>
        resolveDiscrepancy(ctx, args.id, args.action, args.expectedVersion ?? null, now),
    },
  };
}
