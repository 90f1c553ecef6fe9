/**
 * The connections the acceptor decided to hand over, in order of arrival. Node passes a socket over IPC
 * only once the previous one was acknowledged, one per turn of the gateway's event loop, so they wait
 * here and are sent one at a time, each once the gateway has taken the previous one in. One that has
 * waited here longer than its wait (the admission's max wait while the gateway refuses requests itself,
 * else the burst wait) is refused instead: the gateway's turns were longer than the intake gauge
 * expected when it let it in (at a flood's start, before it has seen one), and sent now it would be
 * taken in later still. Probes are never refused.
 */
interface Waiting<T> {
  item: T;
  at: number;
  probe: boolean;
}

export interface HandOverQueueOptions<T> {
  now(): number;
  /** How long a connection may wait here, now. */
  waitMs(now: number): number;
  /** False if it could not be sent (its client went meanwhile): the next is sent instead. */
  send(item: T): boolean;
  refuse(item: T): void;
}

export class HandOverQueue<T> {
  private readonly waiting: Waiting<T>[] = [];
  /** Whether one was sent and not yet taken in. */
  private sending = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HandOverQueueOptions<T>) {}

  add(item: T, probe = false): void {
    this.waiting.push({ item, at: this.options.now(), probe });
    this.next();
  }

  /** The gateway took in the one sent last. */
  taken(): void {
    this.sending = false;
    this.next();
  }

  /** Those still here (none sent), for a gateway that is gone. */
  drain(): T[] {
    clearTimeout(this.timer);
    return this.waiting.splice(0).map((w) => w.item);
  }

  private next(): void {
    const now = this.options.now();
    const waitMs = this.options.waitMs(now);
    for (let i = 0; i < this.waiting.length;) {
      const { item, at, probe } = this.waiting[i];
      if (probe || now - at <= waitMs) i += 1;
      else {
        this.waiting.splice(i, 1);
        this.options.refuse(item);
      }
    }
    while (!this.sending && this.waiting.length > 0) this.sending = this.options.send(this.waiting.shift()!.item);
    // Wakes when the oldest left would outwait its wait, if nothing else happens first.
    clearTimeout(this.timer);
    const oldest = this.waiting.find((w) => !w.probe);
    this.timer = oldest ? setTimeout(() => this.next(), oldest.at + waitMs - now + 1) : undefined;
  }
}
