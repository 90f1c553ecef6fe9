/**
 * What became of a write (an intent and its outbox entries), for Query.writeStatus and for an
 * idempotency key replayed after an answer with parts PENDING: the parts as they stand now.
 */
import { decodeId, encodeId } from '../../shared/ids.ts';
import type { SourceSystem } from '../../shared/sources.ts';
import type { OutboxEntry, SyncStore } from '../store/types.ts';
import { bySystem, syncResult, type SyncResult } from './plan.ts';

/** PENDING while the outbox still owes a part; DONE when none is owed; CANCELLED: nothing was written. */
export type WriteState = 'PENDING' | 'DONE' | 'CANCELLED';

export interface WriteStatusView {
  id: string;
  state: WriteState;
  /** One entry per system written (none when CANCELLED). */
  sync: SyncResult[];
}

/** The public id of an intent (payloads' writeId). */
export const writeIdOf = (intentId: string): string => encodeId('Write', intentId);

/** The write's status, or null when there is none with this id or another caller asked for it. */
export async function writeStatus(store: SyncStore, writeId: string, caller: string | null): Promise<WriteStatusView | null> {
  const intentId = decodeId('Write', writeId);
  const intent = intentId === null ? null : await store.getIntent(intentId);
  // Intents of no caller (propagations, reconciliation) are not a client's to ask about.
  if (!intent || caller === null || (intent.request as { caller?: unknown })?.caller !== caller) return null;
  const entries = (await store.intentEntries(intent.id)).filter((e) => e.status !== 'CANCELLED');
  const state: WriteState = intent.status === 'OPEN' ? 'PENDING' : entries.length === 0 ? 'CANCELLED' : 'DONE';
  return { id: writeId, state, sync: entries.map(resultOf).sort(bySystem) };
}

/**
 * A payload's `sync` with each written system's part as it stands now (a replay after the outbox
 * finished a PENDING part reports it APPLIED or FAILED). Parts whose status did not change keep their message.
 */
export async function currentSync(store: SyncStore, writeId: string | null | undefined, sync: SyncResult[]): Promise<SyncResult[]> {
  const intentId = writeId ? decodeId('Write', writeId) : null;
  if (intentId === null) return sync;
  const entries = new Map((await store.intentEntries(intentId)).map((e) => [e.system as string, e]));
  return sync.map((part) => {
    const entry = entries.get(part.system);
    if (!entry || entry.status === 'CANCELLED') return part;
    const now = resultOf(entry);
    // UNCHANGED in the answer is an entry applied with nothing left to write: the same outcome.
    return now.status === part.status || part.status === 'UNCHANGED' ? part : now;
  });
}

function resultOf(entry: OutboxEntry): SyncResult {
  const system = entry.system as SourceSystem;
  const externalId = (entry.result as { externalId?: string } | null)?.externalId || null;
  // APPLIED even when the outbox found the values already there: an earlier attempt of this write put them.
  if (entry.status === 'APPLIED') return syncResult(system, 'APPLIED', externalId);
  if (entry.status === 'FAILED') return syncResult(system, 'FAILED', externalId, entry.lastError);
  return queuedPart(system, externalId);
}

/** A part the outbox still owes. */
export const queuedPart = (system: SourceSystem, externalId: string | null): SyncResult => syncResult(system, 'PENDING', externalId, 'Queued; it will be retried until applied.');
