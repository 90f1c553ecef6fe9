/**
 * When each record key was last dropped, so that an answer fetched before a drop of anything it depends
 * on is not kept after it (it may hold the old record). A ticket is the count of drops so far; the answer
 * is kept only if none of its tags was dropped after its ticket. Remembered drops are bounded: one
 * forgotten raises `floor`, below which no ticket keeps anything (those reads just go unkept).
 */
import { LRUCache } from 'lru-cache';
import { EVERY, keyText, parseKeyText, type RecordKey } from '../../subgraphs/shared/record-cache/record-keys.ts';

export class DropHistory {
  private sequence = 0;
  private floor = 0;
  /** Last drop of an exact key, and (under "system:kind:*") the last drop of anything in that kind. */
  private readonly droppedAt: LRUCache<string, number>;
  /** Last drop of a whole system (kind EVERY): few systems, never evicted. */
  private readonly systemDroppedAt = new Map<string, number>();
  /** Last drop of a whole kind (id EVERY). */
  private readonly kindDroppedAt = new Map<string, number>();

  constructor(maxRemembered: number) {
    this.droppedAt = new LRUCache<string, number>({
      max: maxRemembered,
      dispose: (at, _key, reason) => { if (reason === 'evict') this.floor = Math.max(this.floor, at); },
    });
  }

  ticket(): number {
    return this.sequence;
  }

  note(key: RecordKey): void {
    this.sequence += 1;
    const kind = `${key.system}:${key.kind}`;
    if (key.kind === EVERY) this.systemDroppedAt.set(key.system, this.sequence);
    else if (key.id === EVERY) this.kindDroppedAt.set(kind, this.sequence);
    else this.droppedAt.set(keyText(key), this.sequence);
    // A tag naming the whole kind depends on every record of it.
    this.droppedAt.set(`${kind}:${EVERY}`, this.sequence);
  }

  /** Whether nothing these tags (keyText) depend on was dropped after `ticket`. */
  unchangedSince(ticket: number, tags: readonly string[]): boolean {
    if (ticket < this.floor) return false;
    return tags.every((tag) => {
      const key = parseKeyText(tag);
      if (!key) return false;
      const after = (at: number | undefined) => (at ?? -1) > ticket;
      const kind = `${key.system}:${key.kind}`;
      // A tag never names a whole system; one that did could not be checked, so it is not kept.
      return key.kind !== EVERY && !(after(this.systemDroppedAt.get(key.system)) || after(this.kindDroppedAt.get(kind)) || after(this.droppedAt.peek(tag)));
    });
  }
}
