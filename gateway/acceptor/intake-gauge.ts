/**
 * How fast the gateway takes in the connections the acceptor hands it, and whether a new one should be
 * handed over. Node takes in one connection per turn of its event loop (libuv accepts one per poll since
 * 1.45, and a socket passed over IPC waits for the previous one's acknowledgement), so a gateway whose
 * turns are long takes in few, and what it has not taken in yet waits unanswered. With none waiting, a
 * connection is always handed over: the gateway's own door (admission control) decides. While the gateway
 * says it is refusing requests itself (`overloaded`), one is handed over only if, at the rate the last ones
 * were taken in (or slower, when the gateway has gone longer than that without taking one in), its turn
 * comes within the admission's max wait: what would wait longer is refused at once, over a connection the
 * client may keep for its retry. Otherwise (a burst of new clients at a gateway that keeps up, taken in one
 * per turn however many turns that takes) only while fewer than `maxBurstWaiting` wait and the gateway has
 * taken one in within the burst wait. What waits is bounded by the queue (hand-over-queue.ts).
 */
export class IntakeGauge {
  /** Connections handed over (or waiting to be: hand-over-queue.ts) and not yet taken in. */
  private pending = 0;
  /** Mean ms between two connections taken in while others waited (exponentially weighted); 0 until seen. */
  private gapMs = 0;
  private lastTakenAt = 0;

  constructor(private readonly maxWaitMs: number, private readonly maxBurstWaitMs: number, private readonly maxBurstWaiting: number) {}

  /** Whether a connection arriving at `now` (ms) should be handed over. */
  admits(now: number, overloaded: boolean): boolean {
    if (this.pending === 0) return true;
    // Not refusing: a burst is taken in however slowly (slow alone is not overload), unless the gateway has taken
    // none in for the burst wait (wedged); what waits is still bounded by the queue.
    if (!overloaded) return this.pending < this.maxBurstWaiting && now - this.lastTakenAt <= this.maxBurstWaitMs;
    // While it refuses requests, the gap is at least as long as the gateway has now gone without taking one in (its
    // turns are long, though it may have taken the first ones in quickly): none is handed over once the oldest
    // waiting has waited half the max wait.
    return (this.pending + 1) * Math.max(this.gapMs, now - this.lastTakenAt) <= this.maxWaitMs;
  }

  handedOver(now: number): void {
    if (this.pending === 0) this.lastTakenAt = now;
    this.pending += 1;
  }

  /** The gateway took in the oldest connection handed over. */
  takenIn(now: number): void {
    if (this.pending === 0) return;
    this.pending -= 1;
    const gap = now - this.lastTakenAt;
    this.gapMs = this.gapMs === 0 ? gap : 0.8 * this.gapMs + 0.2 * gap;
    this.lastTakenAt = now;
  }

  /** One handed over was refused before the gateway took it in (it waited too long to be sent). */
  withdrawn(): void {
    this.pending = Math.max(0, this.pending - 1);
  }

  get waiting(): number {
    return this.pending;
  }
}
