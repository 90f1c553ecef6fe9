/**
 * How fast the gateway takes in the connections the acceptor hands it, and whether a new one should be
 * handed over. Node takes in one connection per turn of its event loop (libuv accepts one per poll since
 * 1.45, and a socket passed over IPC waits for the previous one's acknowledgement), so a gateway whose
 * turns are long takes in few, and what it has not taken in yet waits unanswered. With none waiting, a
 * connection is always handed over: the gateway's own door (admission control) decides. While the
 * gateway says it is refusing requests itself (`overloaded`), a connection is handed over only when, at
 * the rate the last ones were taken in, its turn comes within the max wait and none handed over has
 * waited longer: what would wait longer would be refused anyway, only later; the rest is refused at once.
 * Otherwise (a burst of new clients at a gateway that keeps up, taken in one per turn however many turns
 * that takes) new connections are refused only while `maxBurstWaiting` wait, or one has waited
 * `maxBurstWaitMs` (the gateway takes none in).
 */
export class IntakeGauge {
  /** When each connection handed over and not yet taken in was handed over, oldest first (taken in in order). */
  private readonly pending: number[] = [];
  /** Mean ms between two connections taken in while others waited (exponentially weighted); 0 until seen. */
  private gapMs = 0;
  private lastTakenAt = 0;

  constructor(private readonly maxWaitMs: number, private readonly maxBurstWaitMs: number, private readonly maxBurstWaiting: number) {}

  /** Whether a connection arriving at `now` (ms) should be handed over. */
  admits(now: number, overloaded: boolean): boolean {
    if (this.pending.length === 0) return true;
    const oldestWaitedMs = now - this.pending[0];
    if (!overloaded) return oldestWaitedMs <= this.maxBurstWaitMs && this.pending.length < this.maxBurstWaiting;
    return oldestWaitedMs <= this.maxWaitMs && (this.pending.length + 1) * this.gapMs <= this.maxWaitMs;
  }

  handedOver(now: number): void {
    if (this.pending.length === 0) this.lastTakenAt = now;
    this.pending.push(now);
  }

  /** The gateway took in the oldest connection handed over. */
  takenIn(now: number): void {
    if (this.pending.shift() === undefined) return;
    const gap = now - this.lastTakenAt;
    this.gapMs = this.gapMs === 0 ? gap : 0.8 * this.gapMs + 0.2 * gap;
    this.lastTakenAt = now;
  }

  get waiting(): number {
    return this.pending.length;
  }
}
