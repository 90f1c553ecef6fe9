/**
 * Applies a freshly recorded intent inside the request: its lead first (the CRM, system of record
 * for a customer; the shop for an order), then the other systems side by side. The outcome of each write is settled in the store before the
 * response is built, so a crash at any point leaves the worker exactly the writes still owed.
 */
import type { SourceSystem } from '../shared/sources.ts';
import type { SystemRecord } from '../shared/write-adapter.ts';
import type { OutboxEntry } from './store/types.ts';
import type { WriteContext } from './context.ts';
import { applyEntry, landedAnyway, type AppliedResult } from './operations.ts';
import { isTransient } from './snapshot.ts';
import { syncResult, type SyncResult } from './plan.ts';
import { failureCode, recordFailure } from './failures.ts';

export interface PlannedEntry {
  entry: OutboxEntry;
  /** The record as the request read it, or undefined when it must be (re-)read when applying. */
  fresh?: SystemRecord | null;
  /** An earlier write to the same record is still pending: this one waits behind it in the outbox. */
  queued: boolean;
  /** The write the others follow (the system of record's); at most one per intent, and it comes first. */
  lead: boolean;
}

/**
 * Runs the lead entry, then the rest. If the lead refuses or cannot be reached, the intent is
 * cancelled and the error thrown: nothing was written anywhere.
 */
export async function runIntent(ctx: WriteContext, intentId: string, planned: PlannedEntry[]): Promise<SyncResult[]> {
  // The store holds a recorded intent for this request; the worker takes what is left once it is released.
  try {
    const lead = planned.find((p) => p.lead);
    const rest = planned.filter((p) => !p.lead);
    const results: SyncResult[] = [];
    if (lead?.queued) results.push(queuedResult(lead));
    else if (lead) {
      try {
        results.push(settled(lead.entry.system, await attempt(ctx, lead)));
      } catch (err) {
        const landed = isTransient(err) ? await landedAnyway(lead.entry, ctx).catch(() => null) : null;
        if (!landed) {
          // Refused, or not written (or it cannot be told): nothing was written anywhere.
          ctx.store.cancelIntent(intentId);
          throw err;
        }
        // The system took the write but the answer was lost (a timeout): carry on as if it had answered.
        ctx.store.markApplied(lead.entry.id, landed);
        results.push(settled(lead.entry.system, landed));
      }
      ctx.crash('after-lead-write');
    }
    results.push(...await Promise.all(rest.map(async (p) => {
      if (p.queued) return queuedResult(p);
      try {
        return settled(p.entry.system, await attempt(ctx, p));
      } catch (err) {
        const message = (err as Error).message;
        recordFailure(ctx.store, Date.now(), p.entry.system, 'OUTBOX', failureCode(err));
        if (isTransient(err)) {
          ctx.store.markRetry(p.entry.id, message, ctx.firstRetryAt());
          return syncResult(p.entry.system as SourceSystem, 'PENDING', p.fresh?.externalId ?? null, `${message} Queued; it will be retried until applied.`);
        }
        ctx.store.markFailed(p.entry.id, message);
        return syncResult(p.entry.system as SourceSystem, 'FAILED', p.fresh?.externalId ?? null, message);
      }
    })));
    return results;
  } finally {
    if (!ctx.store.completeIntentIfDone(intentId)) ctx.store.releaseIntent(intentId);
  }
}

/** One attempt; on success the entry is marked applied before anything else happens. */
async function attempt(ctx: WriteContext, p: PlannedEntry): Promise<AppliedResult> {
  const result = await applyEntry(p.entry, { adapters: ctx.adapters, store: ctx.store, freshRecord: p.fresh });
  ctx.store.markApplied(p.entry.id, result);
  return result;
}

const queuedResult = (p: PlannedEntry): SyncResult =>
  syncResult(p.entry.system as SourceSystem, 'PENDING', p.fresh?.externalId ?? null, 'Queued behind an earlier change to this record.');

const settled = (system: string, result: AppliedResult): SyncResult =>
  syncResult(system as SourceSystem, result.wrote ? 'APPLIED' : 'UNCHANGED', result.externalId);
