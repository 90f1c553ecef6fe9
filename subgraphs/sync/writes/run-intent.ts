/**
 * Applies a freshly recorded intent inside the request: its lead first (the CRM, system of record
 * for a customer; the shop for an order), then the other systems side by side. The outcome of each
 * write is settled in the store before the response is built, so a crash at any point leaves the
 * worker exactly the writes still owed. Every upstream call is bounded by the request's deadline
 * (shared/deadline.ts): a follower the deadline leaves no time for is queued, not attempted.
 */
import type { SourceSystem } from '../../shared/sources.ts';
import type { SystemRecord } from '../../shared/write-adapter.ts';
import type { OutboxEntry } from '../store/types.ts';
import type { WriteContext } from '../context.ts';
import { applyEntry, landedAnyway, type AppliedResult } from './operations.ts';
import { isTransient } from './snapshot.ts';
import { syncResult, type SyncResult } from './plan.ts';
import { failureCode, recordFailure } from '../failures.ts';
import { notStarted, outcomeUnknown } from '../../shared/deadline.ts';

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
 * Runs the lead entry, then the rest. If the lead refuses, or was not written (it could not be
 * reached, or the deadline left no time to send it), the intent is cancelled and the error thrown:
 * nothing was written anywhere. A lead that timed out (or whose connection dropped once sent) may still be applied by its system, so unless a
 * fresh read shows it landed it stays PENDING for the outbox (which finishes it, or finds it done) and
 * so do the others: the answer says queued, never "not written". `onCommit` is called once the intent
 * will change the records (a part applied or queued), with the systems it writes.
 */
export async function runIntent(ctx: WriteContext, intentId: string, planned: PlannedEntry[], onCommit: (systems: string[]) => void = () => {}): Promise<SyncResult[]> {
  // The store holds a recorded intent for this request; the worker takes what is left once it is released.
  const systems = planned.map((p) => p.entry.system);
  try {
    const lead = planned.find((p) => p.lead);
    const rest = planned.filter((p) => !p.lead);
    const results: SyncResult[] = [];
    if (lead?.queued) results.push(queuedResult(lead));
    else if (lead) {
      const outcome = await runLead(ctx, intentId, lead);
      if (outcome === 'UNKNOWN') {
        onCommit(systems);
        return [leadUnknown(lead), ...rest.map((p) => behindLead(p, lead))];
      }
      results.push(outcome);
      ctx.crash('after-lead-write');
    }
    if (lead) onCommit(systems);
    results.push(...await Promise.all(rest.map((p) => runFollower(ctx, p))));
    if (!lead && results.some((r) => r.status === 'APPLIED' || r.status === 'PENDING')) onCommit(systems);
    return results;
  } finally {
    if (!await ctx.store.completeIntentIfDone(intentId)) await ctx.store.releaseIntent(intentId);
  }
}

/** The lead's result; UNKNOWN when its answer was lost (a timeout, a dropped connection) and it cannot be shown to have landed (it stays PENDING). */
async function runLead(ctx: WriteContext, intentId: string, lead: PlannedEntry): Promise<SyncResult | 'UNKNOWN'> {
  try {
    return settled(lead.entry.system, await attempt(ctx, lead));
  } catch (err) {
    if (!isTransient(err) || notStarted(err)) {
      await ctx.store.cancelIntent(intentId);
      throw err;
    }
    const landed = await landedAnyway(lead.entry, ctx).catch(() => null);
    if (landed) {
      // The system took the write but the answer was lost: carry on as if it had answered.
      await ctx.store.markApplied(lead.entry.id, landed);
      return settled(lead.entry.system, landed);
    }
    if (!outcomeUnknown(err)) {
      // It answered "unavailable" (429, 502-504) or could not be connected to: it did not take the write.
      await ctx.store.cancelIntent(intentId);
      throw err;
    }
    await ctx.store.markRetry(lead.entry.id, (err as Error).message, ctx.firstRetryAt());
    return 'UNKNOWN';
  }
}

async function runFollower(ctx: WriteContext, p: PlannedEntry): Promise<SyncResult> {
  if (p.queued) return queuedResult(p);
  try {
    return settled(p.entry.system, await attempt(ctx, p));
  } catch (err) {
    const message = (err as Error).message;
    // A call the deadline did not let us send is no failure of the system's.
    if (!notStarted(err)) await recordFailure(ctx.store, Date.now(), p.entry.system, 'OUTBOX', failureCode(err));
    if (isTransient(err)) {
      await ctx.store.markRetry(p.entry.id, message, ctx.firstRetryAt());
      return syncResult(p.entry.system as SourceSystem, 'PENDING', p.fresh?.externalId ?? null, `${message} Queued; it will be retried until applied.`);
    }
    await ctx.store.markFailed(p.entry.id, message);
    return syncResult(p.entry.system as SourceSystem, 'FAILED', p.fresh?.externalId ?? null, message);
  }
}

/** One attempt; on success the entry is marked applied before anything else happens. */
async function attempt(ctx: WriteContext, p: PlannedEntry): Promise<AppliedResult> {
  const result = await applyEntry(p.entry, { adapters: ctx.adapters, store: ctx.store, freshRecord: p.fresh });
  await ctx.store.markApplied(p.entry.id, result);
  return result;
}

const leadUnknown = (p: PlannedEntry): SyncResult =>
  syncResult(p.entry.system as SourceSystem, 'PENDING', p.fresh?.externalId ?? null, "The system's answer was lost (a timeout or a dropped connection); the change is queued and will be applied (or found applied) by the outbox.");

const behindLead = (p: PlannedEntry, lead: PlannedEntry): SyncResult =>
  syncResult(p.entry.system as SourceSystem, 'PENDING', p.fresh?.externalId ?? null, `Queued behind the ${lead.entry.system} write of the same change.`);

const queuedResult = (p: PlannedEntry): SyncResult =>
  syncResult(p.entry.system as SourceSystem, 'PENDING', p.fresh?.externalId ?? null, 'Queued behind an earlier change to this record.');

const settled = (system: string, result: AppliedResult): SyncResult =>
  syncResult(system as SourceSystem, result.wrote ? 'APPLIED' : 'UNCHANGED', result.externalId);
