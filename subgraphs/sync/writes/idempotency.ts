/**
 * Idempotency keys: the first outcome of a key is stored durably with a fingerprint of the mutation and
 * its arguments as sent; a repeat with the same input gets that outcome and writes nothing; the same key
 * with another input is IDEMPOTENCY_KEY_REUSED; a repeat while the first is still running waits for it,
 * then fails with IDEMPOTENCY_KEY_IN_USE if it takes too long.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { codedError } from '../../../schema/errors.ts';
import type { IdempotencyClaim, IdempotencyStore, IntentAnswer } from '../store/types.ts';
import { remainingMs } from '../../shared/deadline.ts';

/** Outcomes that are the request's answer, not an accident of the moment: a repeat must get the same. */
const FINAL_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'VERSION_CONFLICT']);
const MAX_KEY_LENGTH = 255;

type Stored = { ok: unknown } | { error: { message: string; extensions: Record<string, unknown> } };

export interface IdempotencyOptions {
  store: IdempotencyStore;
  now: () => number;
  /** How long a repeat waits for the first request to finish before IDEMPOTENCY_KEY_IN_USE. */
  waitMs: number;
  pollMs: number;
}

/** The key from the argument or the Idempotency-Key header; BAD_USER_INPUT when both are given and differ. */
export function resolveKey(argument: string | null | undefined, header: string | undefined): string | null {
  const key = argument ?? header ?? null;
  if (argument && header && argument !== header) {
    throw codedError('BAD_USER_INPUT', 'Argument "idempotencyKey" and the Idempotency-Key header differ.', { field: 'idempotencyKey' });
  }
  if (key !== null && (key.length === 0 || key.length > MAX_KEY_LENGTH)) {
    throw codedError('BAD_USER_INPUT', `Argument "idempotencyKey" must have 1 to ${MAX_KEY_LENGTH} characters.`, { field: 'idempotencyKey' });
  }
  return key;
}

/** Runs `work` once per key and input; see the module comment. */
export async function withIdempotency<T>(options: IdempotencyOptions, key: string | null, mutation: string, args: unknown, work: () => Promise<T>): Promise<T> {
  if (key === null) return work();
  const hash = requestFingerprint(mutation, args);
  // Waiting for the first request never outlasts this request's own deadline (shared/deadline.ts): the
  // caller gets IDEMPOTENCY_KEY_IN_USE, not the gateway's timeout.
  const deadline = options.now() + Math.min(options.waitMs, Math.max(0, remainingMs() ?? options.waitMs));
  for (;;) {
    const claim = await claimKey(options, key, hash, mutation, args);
    if (claim.state === 'DONE') return replay(claim.response as Stored) as T;
    if (claim.state === 'MISMATCH') {
      throw codedError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used with a different input.', { field: 'idempotencyKey' });
    }
    if (claim.state === 'CLAIMED') return run(options.store, key, work);
    if (options.now() >= deadline) {
      throw codedError('IDEMPOTENCY_KEY_IN_USE', 'A request with this idempotency key is still running; retry later.', { field: 'idempotencyKey' });
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
}

async function run<T>(store: IdempotencyStore, key: string, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    await store.completeIdempotencyKey(key, { ok: result } satisfies Stored);
    return result;
  } catch (err) {
    const code = err instanceof GraphQLError ? String(err.extensions.code) : null;
    if (code && FINAL_CODES.has(code)) {
      await store.completeIdempotencyKey(key, { error: { message: (err as GraphQLError).message, extensions: (err as GraphQLError).extensions } } satisfies Stored);
    } else {
      // Unavailable or failed upstream before anything was written: a retry with the same key may run again.
      await store.releaseIdempotencyKey(key);
    }
    throw err;
  }
}

/**
 * For recordIntent: what the request's key (if it has one) answers should the request die once its
 * intent is recorded: `result`, the payload the request would answer with, its parts PENDING (a replay
 * reports them as they stand then).
 */
export function answerOnceRecorded<T>(key: string | null, result: (intentId: string) => T): IntentAnswer | undefined {
  return key === null ? undefined : { key, response: (intentId) => ({ ok: result(intentId) } satisfies Stored) };
}

function replay(stored: Stored): unknown {
  if ('ok' in stored) return stored.ok;
  throw new GraphQLError(stored.error.message, { extensions: stored.error.extensions });
}

/**
 * The fingerprint a key is stored with: `v2:` and the SHA-256 of the canonical JSON of the mutation's
 * name and every argument as the caller sent it (GraphQL-coerced, so after validation): object keys
 * sorted at every depth, an explicit null kept, an absent argument or field left out. Clearing a field
 * (null) and not touching it (absent) are different inputs.
 */
export function requestFingerprint(mutation: string, args: unknown): string {
  return `${FINGERPRINT_VERSION}:${sha256(JSON.stringify({ mutation, args: canonical(args) }))}`;
}

const FINGERPRINT_VERSION = 'v2';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Sorted keys at every depth (by code unit, independent of locale), null kept, undefined dropped. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/**
 * Claims the key with the v2 fingerprint. A key stored before v2 holds a bare hash (no prefix), which
 * never equals a v2 one: it is then compared with the hash v1 made of this request, so a retry across
 * the upgrade gets its stored outcome, not IDEMPOTENCY_KEY_REUSED. v1 treated null as absent; such
 * keys keep that meaning until they expire (24 h after the upgrade nothing is left to compare).
 */
async function claimKey(options: IdempotencyOptions, key: string, hash: string, mutation: string, args: unknown): Promise<IdempotencyClaim> {
  const claim = await options.store.claimIdempotencyKey(key, hash, options.now());
  if (claim.state !== 'MISMATCH') return claim;
  const legacy = await options.store.claimIdempotencyKey(key, legacyFingerprint(mutation, args), options.now());
  // CLAIMED only if the v2 row expired in between: give the row back and let the loop claim it with v2.
  if (legacy.state === 'CLAIMED') {
    await options.store.releaseIdempotencyKey(key);
    return { state: 'IN_PROGRESS' };
  }
  return legacy;
}

/** v1's fingerprint, kept only to answer keys stored before v2 (see claimKey); remove once they have expired. */
function legacyFingerprint(mutation: string, args: unknown): string {
  const v1 = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(v1);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v1(v)]));
    }
    return value;
  };
  return sha256(JSON.stringify({ mutation, args: v1(args) }));
}
