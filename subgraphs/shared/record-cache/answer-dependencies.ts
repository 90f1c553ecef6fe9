/**
 * What one subgraph answer was made from, so that the gateway may keep the answer (gateway/answer-cache/)
 * exactly as long as everything it used stays true. Collected per request (logging/request-scope.ts):
 * - the record keys it read, from the record cache or by id from the upstream (read-through.ts);
 * - the shortest time any of them may still be served (a record's TTL left, a reference table's, …);
 * - whether any upstream read it made is NOT named by such a key (a search, a match by email, a page):
 *   the sync service never announces those, so such an answer must not be kept at all.
 * Every upstream call counts as unnamed (upstream-http.ts calls `upstreamRead`) unless it runs inside
 * `namedRead`, which only code that names what it reads (or bounds it by a TTL) enters.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { currentScope } from '../logging/request-scope.ts';

export interface AnswerDependencies {
  /** keyText() of every record read. */
  keys: Set<string>;
  /** Set by any upstream read that no key names: the answer may not be kept. */
  unnamed: boolean;
  /** How long the answer may be kept at most (Infinity: nothing bounds it but the gateway's own TTL). */
  ttlMs: number;
  /** keyText() of every record a write made for this request changed (the sync service's mutations). */
  changed: Set<string>;
}

/** Sent with a subgraph answer that may be kept: the keys it depends on (URI-encoded, space-separated). */
export const ANSWER_KEYS_HEADER = 'x-answer-record-keys';
/** Sent beside ANSWER_KEYS_HEADER when something bounds how long the answer may be kept (ms). */
export const ANSWER_TTL_HEADER = 'x-answer-ttl-ms';
/**
 * Sent with a mutation's answer: the records its writes changed, so that the gateway relaying it drops
 * its kept answers before the client hears back, whether or not the announcement over HTTP reached it.
 */
export const CHANGED_KEYS_HEADER = 'x-changed-record-keys';

export const noDependencies = (): AnswerDependencies => ({ keys: new Set(), unnamed: false, ttlMs: Infinity, changed: new Set() });

const named = new AsyncLocalStorage<true>();

const current = (): AnswerDependencies | undefined => currentScope()?.answer;

/** The answer used this record (keyText), which may be served at most `ttlMs` more. */
export function dependOn(key: string, ttlMs: number): void {
  const deps = current();
  if (!deps) return;
  deps.keys.add(key);
  if (ttlMs < deps.ttlMs) deps.ttlMs = ttlMs;
}

/** The answer used data (never written by this gateway) that may be served at most `ttlMs` more. */
export function boundAnswerTtl(ttlMs: number): void {
  const deps = current();
  if (deps && ttlMs < deps.ttlMs) deps.ttlMs = ttlMs;
}

/** The answer used something no key names: it may not be kept. */
export function dependOnUnnamed(): void {
  const deps = current();
  if (deps) deps.unnamed = true;
}

/** Runs upstream reads whose caller names what they read (dependOn) or bounds it (boundAnswerTtl). */
export const namedRead = <T>(work: () => T): T => named.run(true, work);

/** Called for every upstream call: outside namedRead it makes the answer not keepable. */
export function upstreamRead(): void {
  if (!named.getStore()) dependOnUnnamed();
}

/** A write made for the current request changed these records (keyText). */
export function noteChanged(keys: Iterable<string>): void {
  const deps = current();
  if (deps) for (const key of keys) deps.changed.add(key);
}

const encodeKeys = (keys: Set<string>) => [...keys].map(encodeURIComponent).join(' ');

/** The headers telling the gateway it may keep this answer (none when it may not), and what the request's writes changed. */
export function answerHeaders(deps: AnswerDependencies | undefined): Record<string, string> {
  if (!deps) return {};
  const changed: Record<string, string> = deps.changed.size ? { [CHANGED_KEYS_HEADER]: encodeKeys(deps.changed) } : {};
  if (deps.unnamed || deps.ttlMs <= 0) return changed;
  return {
    ...changed,
    [ANSWER_KEYS_HEADER]: encodeKeys(deps.keys),
    ...(Number.isFinite(deps.ttlMs) && { [ANSWER_TTL_HEADER]: String(Math.floor(deps.ttlMs)) }),
  };
}
