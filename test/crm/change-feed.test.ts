import { afterEach, describe, expect, it } from 'vitest';
import type { HubSpotContact } from '../../upstreams/dataset/types.ts';
import { startHubSpotStandIn } from '../../upstreams/hubspot/server.ts';
import type { StandIn } from '../../upstreams/shared/standin.ts';
import { createContactChangeFeed } from '../../subgraphs/crm/change-feed.ts';
import type { ChangedRecord, ChangeFeed } from '../../subgraphs/shared/change-feed.ts';
import { TOKEN, withContacts } from './harness.ts';
import { readAll } from '../support/change-feeds.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const NOW = Date.parse('2026-11-20T12:00:00.000Z');
const SEARCH = 'POST /crm/v3/objects/contacts/search';

let hubspot: StandIn;
let clock = NOW;
afterEach(() => hubspot?.close());

/** A contact last modified at `modifiedAt`. */
function contact(id: number, modifiedAt: number): HubSpotContact {
  const at = new Date(modifiedAt).toISOString();
  return {
    id: String(id), createdAt: at, updatedAt: at, archived: false,
    properties: { email: `c${id}@example.com`, firstname: `C${id}`, createdate: at, lastmodifieddate: at, hs_object_id: String(id) },
  };
}

/** Contacts 101… modified at `times(i)`; the feed over them. */
async function start(count: number, times: (i: number) => number): Promise<ChangeFeed<ChangedRecord>> {
  clock = NOW;
  const contacts = Array.from({ length: count }, (_, i) => contact(101 + i, times(i)));
  hubspot = await startHubSpotStandIn({ dataset: withContacts(contacts), credential: TOKEN, now: () => clock });
  return createContactChangeFeed({ baseUrl: hubspot.url, credential: TOKEN, timeoutMs: 5000 });
}

const patch = (id: string, properties: Record<string, string>) => fetch(`${hubspot.url}/crm/v3/objects/contacts/${id}`, {
  method: 'PATCH', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ properties }),
});

/** Times in an order unlike id order, a second apart. */
const shuffled = (i: number) => T0 + ((i * 7919) % 450) * 1000;

describe('CRM contact change feed', () => {
  it('returns the contacts changed since a time, oldest change first, and nothing else', async () => {
    const feed = await start(450, shuffled);
    for (const [id, at] of [['400', 1_000], ['105', 2_000], ['220', 3_000]] as const) {
      clock = NOW + at;
      expect((await patch(id, { city: `City ${id}` })).status).toBe(200);
    }
    expect(await feed.page(NOW + 500, null)).toEqual({
      records: [
        { externalId: '400', changedAt: NOW + 1_000 },
        { externalId: '105', changedAt: NOW + 2_000 },
        { externalId: '220', changedAt: NOW + 3_000 },
      ],
      next: null,
    });
  });

  it('returns every contact once across pages of 200, oldest first, from time 0', async () => {
    const feed = await start(450, shuffled);
    hubspot.resetCounters();
    const { records, pages } = await readAll(feed, 0);
    expect(pages).toBe(3);
    expect(hubspot.counters()).toEqual({ [SEARCH]: 3 });
    expect(records.map((r) => r.externalId).sort()).toEqual(Array.from({ length: 450 }, (_, i) => String(101 + i)).sort());
    expect(records.map((r) => r.changedAt)).toEqual(records.map((r) => r.changedAt).sort((a, b) => a - b));
  });

  it('skips no contact when one already read changes meanwhile: that one comes again at its new time', async () => {
    // Contact 101 is the oldest, so the first page holds it; an offset would then slip by one.
    const feed = await start(450, shuffled);
    const { records } = await readAll(feed, 0, async (page) => {
      if (page !== 1) return;
      clock = NOW + 1_000;
      await patch('101', { city: 'Elsewhere' });
    });
    expect(new Set(records.map((r) => r.externalId)).size).toBe(450);
    expect(records.filter((r) => r.externalId === '101').map((r) => r.changedAt)).toEqual([T0, NOW + 1_000]);
    expect(records).toHaveLength(451);
  });

  it('pages through contacts that share one lastmodifieddate across page boundaries', async () => {
    const feed = await start(450, () => T0);
    const { records, pages } = await readAll(feed, T0);
    expect(pages).toBe(3);
    expect(records.map((r) => r.externalId)).toEqual(Array.from({ length: 450 }, (_, i) => String(101 + i)));
  });

  it('reads past HubSpot’s cap of 10,000 results per query', async () => {
    const feed = await start(10_050, (i) => T0 + i);
    const { records } = await readAll(feed, 0);
    expect(records).toHaveLength(10_050);
    expect(new Set(records.map((r) => r.externalId)).size).toBe(10_050);
  });

  it('refuses a position it did not give', async () => {
    const feed = await start(1, () => T0);
    await expect(feed.page(0, '{"since":"soon"}')).rejects.toMatchObject({
      message: 'Not a position of the CRM change feed.', extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
