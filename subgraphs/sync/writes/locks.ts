/**
 * Serializes this process's writes to one record: the upstreams have no conditional writes, so two
 * of our read-check-write sequences on one customer or order must never interleave. Within a process
 * they queue here; across the replicas sharing a PostgreSQL store, the holder also takes the store's
 * record lock (RecordLocks.withRecordLock; SQLite, owned by one process, has nothing to wait for).
 *
 * It also fails contention fast. A write names the version it expects; once a write of that version
 * has been committed to (its lead write landed, or is queued and will land) the version is superseded:
 * every write of it waiting for the lock, and every later one, is refused at once (VERSION_CONFLICT)
 * instead of queueing to read a record that has certainly changed. A holder that fails before writing
 * supersedes nothing, so the next waiter runs as if it had come first. Waiting is bounded.
 *
 * Across replicas the store carries the news (RecordLocks.supersedeVersion): a write of that version
 * waiting for the record's lock on another replica gives up at once, and that replica then refuses its
 * own queued writes of it too.
 */
import { LRUCache } from 'lru-cache';
import { codedError } from '../../../schema/errors.ts';
import { RecordLockTimeout, SUPERSEDED_VERSION_TTL_MS, VersionSuperseded, type RecordLocks, type Superseded } from '../store/types.ts';

export interface LockOptions {
  /** The expectedVersion of the write: it is refused at once when that version is superseded. */
  version?: string;
  /** The longest this write waits for the writes ahead of it (default: no bound). */
  waitMs?: number;
}

/** What the holder of a lock can say about its write. */
export interface LockClaim {
  /**
   * The write will change the record (a part was applied or is queued): its version is superseded.
   * `systems` are the systems it writes, for the refused writes' `extensions.systems`.
   */
  commit(systems: string[]): void;
  /**
   * The record read under the lock is no longer at the write's version: something else changed it (a
   * write through another replica, which this process's queue never saw, or an edit in the upstream).
   * A version never becomes current again, so it is superseded as by commit: the waiters of it are
   * refused at once instead of each taking the lock in turn to read the record and find the same.
   * `currentVersion`: the version read, which their refusals carry.
   */
  stale(systems: string[], currentVersion: string): void;
}

interface Waiter {
  version: string | undefined;
  start: () => void;
  refuse: (err: Error) => void;
}

interface Queue {
  holding: boolean;
  waiters: Waiter[];
}

export class KeyedLock {
  private readonly queues = new Map<string, Queue>();
  private readonly superseded = new LRUCache<string, Map<string, Superseded>>({ max: 10_000, ttl: SUPERSEDED_VERSION_TTL_MS });

  /**
   * `records`: the store's cross-process lock, taken by each holder around its work; `onTellFailed`: told
   * when the store could not record a superseded version for the other replicas.
   */
  constructor(private readonly records?: RecordLocks, private readonly onTellFailed: (err: unknown) => void = () => {}) {}

  /** Runs `work` after every earlier holder of `key` has finished; see the module comment for `options`. */
  async run<T>(key: string, work: (claim: LockClaim) => Promise<T>, options: LockOptions = {}): Promise<T> {
    this.refuseSuperseded(key, options.version);
    const queue = this.queues.get(key) ?? { holding: false, waiters: [] };
    this.queues.set(key, queue);
    if (queue.holding) await this.wait(key, queue, options);
    queue.holding = true;
    try {
      // The holder before this one may have superseded this version while it waited.
      this.refuseSuperseded(key, options.version);
      const claimed = () => work({
        commit: (systems) => this.supersede(key, options.version, systems),
        stale: (systems, currentVersion) => this.supersede(key, options.version, systems, currentVersion),
      });
      if (!this.records) return await claimed();
      return await this.records.withRecordLock(key, claimed, options.waitMs, options.version).catch((err: unknown) => {
        if (err instanceof RecordLockTimeout) throw writeInProgress(key);
        // Superseded on another replica: this replica's writes of that version waiting here are refused too.
        if (err instanceof VersionSuperseded && options.version !== undefined) this.remember(key, options.version, err.superseded);
        throw err instanceof VersionSuperseded ? conflict(err.superseded) : err;
      });
    } finally {
      const next = queue.waiters.shift();
      if (next) next.start();
      else {
        queue.holding = false;
        this.queues.delete(key);
      }
    }
  }

  /** VERSION_CONFLICT when a write of `version` to `key` was committed to already. */
  refuseSuperseded(key: string, version: string | undefined): void {
    const superseded = version === undefined ? undefined : this.superseded.get(key)?.get(version);
    if (superseded) throw conflict(superseded);
  }

  /**
   * Records that a write of `version` to `key` will change the record (or found it changed: then
   * `currentVersion` is what it read), refuses the writes of that version waiting for the lock, and
   * tells the other replicas through the store. Without a version (a write that checked none) nothing is known.
   */
  supersede(key: string, version: string | undefined, systems: string[], currentVersion: string | null = null): void {
    if (version === undefined) return;
    const superseded = { systems, currentVersion };
    this.remember(key, version, superseded);
    // Not awaited: the holder goes on. Should it fail, the other replicas' waiters read the record under the lock and find the same.
    this.records?.supersedeVersion(key, version, superseded).catch(this.onTellFailed);
  }

  private remember(key: string, version: string, superseded: Superseded): void {
    const versions = this.superseded.get(key) ?? new Map<string, Superseded>();
    versions.set(version, superseded);
    this.superseded.set(key, versions);
    const queue = this.queues.get(key);
    if (!queue) return;
    const refused = queue.waiters.filter((w) => w.version === version);
    queue.waiters = queue.waiters.filter((w) => w.version !== version);
    for (const waiter of refused) waiter.refuse(conflict(superseded));
  }

  private wait(key: string, queue: Queue, options: LockOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        version: options.version,
        start: () => { clearTimeout(timer); resolve(); },
        refuse: (err) => { clearTimeout(timer); reject(err); },
      };
      queue.waiters.push(waiter);
      if (options.waitMs === undefined) return;
      timer = setTimeout(() => {
        queue.waiters = queue.waiters.filter((w) => w !== waiter);
        reject(writeInProgress(key));
      }, Math.max(0, options.waitMs));
    });
  }
}

const writeInProgress = (key: string) =>
  codedError('WRITE_IN_PROGRESS', 'Other writes to this record are still in progress; nothing was written. Read it again and retry.', { record: key.split(':')[0] });

const conflict = ({ systems, currentVersion }: Superseded) =>
  codedError('VERSION_CONFLICT', 'Another write of this version is being applied, so this one cannot succeed; nothing was written. Read the record again and retry.',
    { systems, ...(currentVersion !== null && { currentVersion }) });
