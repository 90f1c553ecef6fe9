import seedrandom from 'seedrandom';

/** A seeded random source: the same seed always yields the same dataset. */
export class Random {
  private readonly next: () => number;

  constructor(seed: number | string) {
    this.next = seedrandom(String(seed));
  }

  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** An instant between two instants, in epoch ms, rounded to the second. */
  instant(fromMs: number, toMs: number): number {
    return Math.floor((fromMs + this.next() * (toMs - fromMs)) / 1000) * 1000;
  }
}
