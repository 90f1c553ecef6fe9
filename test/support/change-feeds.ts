/** Reading a whole change feed in tests. */
import type { ChangeFeed, ChangedRecord } from '../../subgraphs/shared/change-feed.ts';

/** Every page from `since`, and how many pages that took; `between` runs after each page (e.g. to change records mid-read). */
export async function readAll<R extends ChangedRecord>(feed: ChangeFeed<R>, since: number, between: (page: number) => Promise<void> = async () => {}) {
  const records: R[] = [];
  let after: string | null = null;
  let pages = 0;
  do {
    const page = await feed.page(since, after);
    records.push(...page.records);
    after = page.next;
    await between(++pages);
  } while (after);
  return { records, pages };
}
