/**
 * The gateway's cache of subgraph answers to entity and query fetches (like Apollo Router's entity
 * cache with invalidation by tags): a view asked again is answered from memory, the subgraphs untouched.
 *
 * Kept only what the subgraph says may be kept: a 2xx answer without `errors` to a call made for a
 * query, carrying ANSWER_KEYS_HEADER (every upstream read it made was of a named record, or of data this
 * gateway never writes; subgraphs/shared/record-cache/answer-dependencies.ts). Keyed like in-flight
 * sharing (in-flight-reads.ts): subgraph URL, the caller's sorted scope set and the exact body, so that
 * callers with other scopes never share; authorization and the audit still run per request above it.
 * Kept for the shorter of `ttlMs` and the subgraph's ANSWER_TTL_HEADER; dropped by record key when the
 * sync service announces a change (drop), before the write that caused it answers. A call sent before a
 * drop of any of its keys answers its caller but is not kept (tickets, as in the record cache).
 */
import { LRUCache } from 'lru-cache';
import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import { ANSWER_KEYS_HEADER, ANSWER_TTL_HEADER, CHANGED_KEYS_HEADER } from '../../subgraphs/shared/record-cache/answer-dependencies.ts';
import { EVERY, everyOf, isEmailKey, keyText, parseKeyText, type RecordKey } from '../../subgraphs/shared/record-cache/record-keys.ts';
import { SHARE_SCOPES_HEADER } from '../subgraph-transport/in-flight-reads.ts';
import { withTextBody } from '../subgraph-transport/http-fetcher.ts';
import { DropHistory } from './drop-history.ts';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
type FetcherResponse = Awaited<ReturnType<Fetcher>>;
type FetcherInit = { method?: string; headers?: Record<string, string>; body?: string | Buffer };

export interface AnswerCacheConfig {
  /** How long an answer is kept at most; 0 turns the cache off (GATEWAY_ANSWER_CACHE_TTL_MS). */
  ttlMs: number;
  /** Bytes of keys and answers kept at most; the least recently used go first (GATEWAY_ANSWER_CACHE_MAX_BYTES). */
  maxBytes: number;
}

/** How long after a drop the same keys are dropped once more (see drop). */
const REDROP_MS = 1000;

interface Kept {
  response: FetcherResponse;
  tags: string[];
}

export class AnswerCache {
  private readonly answers: LRUCache<string, Kept>;
  /** Cache keys by the tags (keyText) their answers depend on. */
  private readonly byTag = new Map<string, Set<string>>();
  private readonly drops: DropHistory;

  constructor(
    private readonly config: AnswerCacheConfig, private readonly onLookup: (hit: boolean) => void,
    /** Called after each drop (InFlightReads.writeSettled: reads sent before it are joined no more). */
    private readonly onDrop: () => void = () => {},
  ) {
    this.answers = new LRUCache<string, Kept>({
      // Each answer's size (its key, body and tags, in characters) is given as it is kept.
      maxSize: config.maxBytes,
      ttl: config.ttlMs,
      dispose: (kept, key) => this.untag(key, kept.tags),
    });
    this.drops = new DropHistory(10_000);
  }

  /**
   * Drops every answer depending on these records (EVERY ids and kinds drop all of theirs), and once more
   * REDROP_MS later those an answer made meanwhile may still hold old: all of them unless the subgraphs
   * owning them are known to have dropped them already (`ownersDropped`), since such a subgraph may hear
   * of the change a moment after the gateway (over LISTEN/NOTIFY all hear at once; a delivery over HTTP
   * that timed out may still land); and an email's key in any case, since a search by email reads an
   * upstream index that may lag the write (Shopify's customer search). Dropping again when it is not
   * needed costs the next reads of those records their answers a second time (under S3's writes, a third
   * of the gateway's answer misses).
   */
  drop(keys: readonly RecordKey[], { ownersDropped }: { ownersDropped: boolean }): void {
    this.dropNow(keys);
    const again = ownersDropped ? keys.filter(isEmailKey) : keys;
    if (again.length > 0) setTimeout(() => this.dropNow(again), REDROP_MS).unref();
  }

  private dropNow(keys: readonly RecordKey[]): void {
    for (const key of keys) {
      this.drops.note(key);
      const wildcard = key.kind === EVERY || key.id === EVERY;
      // A single record's answers are found by its tag and its kind's; a wildcard looks at every tag.
      const tags = wildcard ? [...this.byTag.keys()].filter((tag) => matches(key, tag)) : [keyText(key), keyText(everyOf(key.system, key.kind))];
      for (const tag of tags) for (const cacheKey of [...this.byTag.get(tag) ?? []]) this.answers.delete(cacheKey);
    }
    // A read in flight now may predate the change: no later call joins it (and keeps what it answers).
    this.onDrop();
  }

  /** Wraps a subgraph fetcher: kept answers are served from memory; a sync answer naming changed records drops them. */
  keeping(fetcher: Fetcher): Fetcher {
    const send = fetcher as unknown as (url: string, init?: FetcherInit) => Promise<FetcherResponse>;
    const keeping = async (url: string, init: FetcherInit = {}) => {
      const scopes = init.headers?.[SHARE_SCOPES_HEADER];
      if (scopes === undefined || typeof init.body !== 'string' || this.config.ttlMs === 0) return this.heard(await send(url, init));
      // The JSON array is self-delimiting, so the body follows it as is (not escaped into a copy).
      const key = JSON.stringify([url, scopes]) + init.body;
      const kept = this.answers.get(key);
      this.onLookup(kept !== undefined);
      if (kept) return kept.response;
      const ticket = this.drops.ticket();
      const response = await send(url, init);
      await this.keep(key, ticket, response);
      return response;
    };
    return keeping as unknown as Fetcher;
  }

  /**
   * A mutation's answer names the records its write changed: dropped before the mutation answers the
   * client. The sync service answers only once it told the owning subgraphs (and the gateways at
   * GATEWAY_URL, which drop once more later when a subgraph did not confirm): dropped once here.
   */
  private heard(response: FetcherResponse): FetcherResponse {
    const changed = response.headers.get(CHANGED_KEYS_HEADER);
    if (changed) this.drop(parseTags(changed).flatMap((tag) => parseKeyText(tag) ?? []), { ownersDropped: true });
    return response;
  }

  private async keep(key: string, ticket: number, response: FetcherResponse): Promise<void> {
    const keys = response.headers.get(ANSWER_KEYS_HEADER);
    if (!response.ok || keys === null) return;
    const ttlHeader = response.headers.get(ANSWER_TTL_HEADER);
    const ttl = Math.min(this.config.ttlMs, ttlHeader === null ? Infinity : Number(ttlHeader));
    if (!(ttl > 0)) return;
    const body = await response.text();
    // Any error, even one beside data, is the caller's own: not kept. (A value quoting the word only costs a miss.)
    if (body.includes('"errors"')) return;
    const tags = parseTags(keys);
    if (!this.drops.unchangedSince(ticket, tags)) return;
    this.answers.set(key, { response: withTextBody(response, body), tags }, { ttl, size: key.length + body.length + tags.join('').length + 256 });
    // Larger than the whole bound: not kept.
    if (!this.answers.has(key)) return;
    for (const tag of tags) {
      let keysOfTag = this.byTag.get(tag);
      if (!keysOfTag) this.byTag.set(tag, (keysOfTag = new Set()));
      keysOfTag.add(key);
    }
  }

  private untag(key: string, tags: readonly string[]): void {
    for (const tag of tags) {
      const keysOfTag = this.byTag.get(tag);
      keysOfTag?.delete(key);
      if (keysOfTag?.size === 0) this.byTag.delete(tag);
    }
  }
}

const parseTags = (value: string): string[] => (value ? value.split(' ').map(decodeURIComponent) : []);

/** Whether a published key drops answers tagged `tag` (keyText; EVERY in either matches the whole kind, or system). */
function matches(key: RecordKey, tag: string): boolean {
  const parsed = parseKeyText(tag);
  if (!parsed || parsed.system !== key.system) return false;
  if (key.kind === EVERY || parsed.kind === EVERY) return true;
  if (key.kind !== parsed.kind) return false;
  return key.id === EVERY || parsed.id === EVERY || key.id === parsed.id;
}
