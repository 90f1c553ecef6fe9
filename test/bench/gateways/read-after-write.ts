/**
 * S3's bookkeeping: per hot customer, its current version and the phone its last answered write set.
 * A read that started after that write was answered, with no other write to the customer begun before the
 * read's answer came, must show that phone; one that does not is a stale read.
 */

export interface HotCustomer {
  id: string;
  version: string;
  phone: string | null;
}

interface Tracked extends HotCustomer {
  /** Bumped when a write begins. */
  writeSeq: number;
  writing: boolean;
  /** The phone the last answered write set; null before any. */
  written: string | null;
}

type Answer = { errors?: { extensions?: { code?: string } }[]; data?: { customer?: { phone?: string | null; version?: string } | null; updateCustomer?: { customer?: { version?: string; phone?: string | null } } | null } | null } | null;

export class ReadAfterWrite {
  private readonly customers: Tracked[];
  /** Reads that checked a written value, and how many of them were stale. */
  checked = 0;
  stale = 0;
  /** Writes answered with the new customer, and those refused (e.g. VERSION_CONFLICT after an outbox write changed the version). */
  writesApplied = 0;
  /** Writes answered without the customer, by first error code (NO_ANSWER: a timeout or a dropped connection). */
  readonly writesRefused: Record<string, number> = {};

  constructor(hot: HotCustomer[]) {
    this.customers = hot.map((c) => ({ ...c, writeSeq: 0, writing: false, written: null }));
  }

  get size(): number {
    return this.customers.length;
  }

  /** Starts a write of `phone` to customer `index`, or returns null when one is in flight for it. */
  beginWrite(index: number, phone: string): { id: string; version: string; phone: string; settle(body: unknown): void } | null {
    const c = this.customers[index];
    if (c.writing) return null;
    c.writing = true;
    c.writeSeq += 1;
    return {
      id: c.id, version: c.version, phone,
      settle: (body) => {
        c.writing = false;
        const customer = (body as Answer)?.data?.updateCustomer?.customer;
        if (customer?.version) {
          c.version = customer.version;
          c.written = customer.phone ?? null;
          this.writesApplied += 1;
        } else {
          // Nothing was written, or nothing is known of it: reads are not checked until the next
          // answered write, and the next read tells the current version.
          c.written = null;
          const code = body === null ? 'NO_ANSWER' : String((body as Answer)?.errors?.[0]?.extensions?.code ?? 'NO_CODE');
          this.writesRefused[code] = (this.writesRefused[code] ?? 0) + 1;
        }
      },
    };
  }

  /** Starts a read of customer `index`; its settle returns false for a stale answer. */
  beginRead(index: number): { id: string; settle(body: unknown): boolean } {
    const c = this.customers[index];
    const seq = c.writeSeq;
    const expected = c.writing ? undefined : c.written;
    return {
      id: c.id,
      settle: (body) => {
        const customer = (body as Answer)?.data?.customer;
        if (!customer) return true;
        if (customer.version && !c.writing && c.writeSeq === seq && c.written === null) c.version = customer.version;
        // Checked only when a write was answered before the read began and none began since.
        if (expected === undefined || expected === null || c.writeSeq !== seq) return true;
        this.checked += 1;
        if (customer.phone === expected) return true;
        this.stale += 1;
        return false;
      },
    };
  }
}
