/**
 * Idempotency keys: the first outcome of a key is stored durably with a hash of the mutation and its
 * arguments; a repeat with the same input gets that outcome and writes nothing; the same key with
 * another input is IDEMPOTENCY_KEY_REUSED; a repeat while the first is still running waits for it,
 * then fails with IDEMPOTENCY_KEY_IN_USE if it takes too long.
 */
import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { codedError } from '../../schema/errors.ts';
import type { IdempotencyStore } from './store/types.ts';

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
  const hash = createHash('sha256').update(JSON.stringify({ mutation, args: canonical(args) })).digest('hex');
  const deadline = options.now() + options.waitMs;
  for (;;) {
    const claim = options.store.claimIdempotencyKey(key, hash, options.now());
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
    store.completeIdempotencyKey(key, { ok: result } satisfies Stored);
    return result;
  } catch (err) {
    const code = err instanceof GraphQLError ? String(err.extensions.code) : null;
    if (code && FINAL_CODES.has(code)) {
      store.completeIdempotencyKey(key, { error: { message: (err as GraphQLError).message, extensions: (err as GraphQLError).extensions } } satisfies Stored);
    } else {
      // Unavailable or failed upstream before anything was written: a retry with the same key may run again.
      store.releaseIdempotencyKey(key);
    }
    throw err;
  }
}

function replay(stored: Stored): unknown {
  if ('ok' in stored) return stored.ok;
  throw new GraphQLError(stored.error.message, { extensions: stored.error.extensions });
}

/** JSON with object keys sorted, so the same input always hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    // An explicit null and an absent argument mean the same to the mutations, so they hash the same.
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}
