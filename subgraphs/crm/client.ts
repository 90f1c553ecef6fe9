/**
 * The HubSpot connector: the only code that speaks the CRM v3 objects API. It asks for the properties
 * the transforms read, uses the batch and search entry points, and turns HubSpot's answers into
 * records or coded errors (transport failures are mapped by upstreamRequest; refused writes by writeRefusal).
 */
import { codedError } from '../../schema/errors.ts';
import { unexpectedResponse, upstreamRequest, type UpstreamConfig, type UpstreamResponse } from '../shared/upstream-http.ts';
import { CONTACT_PROPERTIES, toHubSpotLifecycleStage, type HubSpotRecord, type LifecycleStage } from './transforms.ts';
import { chunks } from '../shared/chunks.ts';

const SYSTEM = 'HubSpot';
const CONTACTS = '/crm/v3/objects/contacts';
/** HubSpot's limits: inputs per batch read (50 with property histories), results per search page. */
const BATCH_READ_MAX = 100;
const HISTORY_BATCH_READ_MAX = 50;
const SEARCH_PAGE_MAX = 200;
/** HubSpot's search limits: filter groups per request, values per IN filter. */
const FILTER_GROUPS_MAX = 5;
const IN_VALUES_MAX = 100;

/** One page of contacts, most recently modified first. */
export interface ContactPageQuery {
  limit: number;
  /** Results to skip: HubSpot's search `after` is this offset. */
  offset: number;
  /** Full text over names, email, company and phone (HubSpot's `query`). */
  search?: string | null;
  email?: string | null;
  lifecycleStage?: LifecycleStage | null;
  /** A canonical DateTime. */
  updatedSince?: string | null;
}

export interface ContactPage {
  results: HubSpotRecord[];
  hasMore: boolean;
}

/** Contacts modified at or after `since` (epoch ms), oldest first, after skipping `skip` of them. */
export interface ModifiedSinceQuery {
  since: number;
  skip: number;
  limit: number;
}

export interface HubSpotClient {
  /** Contacts by id, in no particular order; unknown ids are simply absent. */
  readContacts(ids: string[]): Promise<HubSpotRecord[]>;
  pageContacts(query: ContactPageQuery): Promise<ContactPage>;
  /** Contacts whose `shop_customer_id` is one of the given Shopify customer gids. */
  findByShopCustomerIds(gids: string[]): Promise<HubSpotRecord[]>;
  /** Contacts with one of the given emails (any letter case) that store no shop customer id. */
  findUnlinkedByEmails(emails: string[]): Promise<HubSpotRecord[]>;
  /** Contacts with this email, in any letter case. */
  findByEmail(email: string): Promise<HubSpotRecord[]>;
  /** One page of the search on `lastmodifieddate` GTE, sorted ascending (ties in a fixed order: by id in the stand-in); records carry lastmodifieddate only. */
  pageModifiedSince(query: ModifiedSinceQuery): Promise<ContactPage>;
  /** Contacts by id with the histories of these properties (propertiesWithHistory), 50 ids per request. */
  readHistories(ids: string[], properties: string[]): Promise<HubSpotRecord[]>;
  /** The ids of contacts holding any of the values in its property, for each `{ propertyName, values }` (text values; any letter case). */
  idsWithAnyValue(lookups: { propertyName: string; values: string[] }[]): Promise<string[]>;
  /** PATCH: writes the given properties ('' clears one) and returns the contact as written. */
  updateContact(id: string, properties: Record<string, string>): Promise<HubSpotRecord>;
  /**
   * POST: creates a contact. An email that exists already is HubSpot's 409, whose message names that
   * contact: its id is returned as `existingId` for the create path to decide whether it made it (it
   * never goes into a message). A 409 that names no contact is a CONFLICT (which does not say whose).
   */
  createContact(properties: Record<string, string>): Promise<{ created: HubSpotRecord } | { existingId: string }>;
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
}

interface SearchBody {
  filterGroups: { filters: Filter[] }[];
  properties?: string[];
  query?: string;
  sorts?: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  limit: number;
  after?: string;
}

interface SearchAnswer {
  results: HubSpotRecord[];
  paging?: { next?: { after?: string } };
}

/**
 * HubSpot object ids are decimal numbers. Ids reach the client decoded from public ids a client
 * made up, so anything else names no contact and is never sent: in a URL path `..` would climb out
 * of the contact (fetch resolves dot segments even when percent-encoded as %2e).
 */
const isContactId = (id: string): boolean => /^[1-9]\d{0,18}$/.test(id);

/** HubSpot matches `IN` values against lowercased stored text, so string values must be sent in lowercase. */
const inFilter = (propertyName: string, values: string[]): Filter =>
  ({ propertyName, operator: 'IN', values: [...new Set(values.map((v) => v.trim().toLowerCase()))] });

/** HubSpot's error body: a message, and for a validation error one entry per refused property. */
interface HubSpotError {
  message?: string;
  errors?: { message?: string; context?: { propertyName?: string[] } }[];
}

/**
 * HubSpot's reason for refusing a write, for SyncResult.message: the per-property messages when it
 * gives them (its top-level message then embeds them as JSON), else its message. Some HubSpot
 * messages carry documentation links; those are cut, as messages never carry URLs.
 */
function refusalReason(body: HubSpotError): string {
  const details = (body.errors ?? []).map((e) => e.message).filter((m): m is string => !!m);
  const text = details.length ? details.join('; ') : body.message ?? 'no reason given';
  return text.replace(/\s*https?:\/\/\S+/g, '').trim();
}

/**
 * A refused write as a permanent coded error: 400 (validation) → BAD_USER_INPUT naming the refused
 * properties, 404 → NOT_FOUND, 409 (the email belongs to another contact) → CONFLICT. HubSpot's 409
 * message names that contact ("Contact already exists. Existing ID: 123"); the CONFLICT says only
 * that the email is taken, since it reaches callers who may not read whose it is.
 */
function writeRefusal(response: UpstreamResponse, contactId: string | null): Error {
  const body = (response.body ?? {}) as HubSpotError;
  if (response.status === 404) return codedError('NOT_FOUND', `HubSpot has no contact ${contactId}.`, { system: SYSTEM });
  if (response.status === 409) return codedError('CONFLICT', 'HubSpot refused the change: a contact with this email already exists.', { system: SYSTEM });
  if (response.status === 400) {
    const properties = [...new Set((body.errors ?? []).flatMap((e) => e.context?.propertyName ?? []))];
    return codedError('BAD_USER_INPUT', `HubSpot refused the change: ${refusalReason(body)}`, { system: SYSTEM, properties });
  }
  return unexpectedResponse(SYSTEM, response, 'a write');
}

/** The contact HubSpot's 409 on a create names ("Contact already exists. Existing ID: 123"), or null. */
function existingContactId(body: HubSpotError | undefined): string | null {
  const id = /Existing ID:\s*(\d+)/.exec(body?.message ?? '')?.[1];
  return id && isContactId(id) ? id : null;
}

export function createHubSpotClient(config: UpstreamConfig): HubSpotClient {
  const send = async (method: 'POST' | 'PATCH', path: string, body: unknown) => upstreamRequest(SYSTEM, `${config.baseUrl}${CONTACTS}${path}`, {
    method,
    headers: { authorization: `Bearer ${config.credential}`, 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  }, config.timeoutMs);
  const post = (path: string, body: unknown) => send('POST', path, body);

  /** A write's answer: the record on the expected status, else the refusal. */
  const written = (response: UpstreamResponse, expected: number, contactId: string | null): HubSpotRecord => {
    const record = response.body as HubSpotRecord | undefined;
    if (response.status === expected && typeof record?.id === 'string') return record;
    throw response.status === expected ? unexpectedResponse(SYSTEM, response, 'a write') : writeRefusal(response, contactId);
  };

  const batchRead = async (ids: string[], what: { properties?: string[]; propertiesWithHistory?: string[] } = { properties: CONTACT_PROPERTIES }): Promise<HubSpotRecord[]> => {
    const response = await post('/batch/read', { inputs: ids.map((id) => ({ id })), ...what });
    // 207 Multi-Status: some ids were not found; they are listed under `errors`, which we do not need.
    const results = (response.body as { results?: unknown } | undefined)?.results;
    if ((response.status !== 200 && response.status !== 207) || !Array.isArray(results)) throw unexpectedResponse(SYSTEM, response, 'a batch read');
    return results as HubSpotRecord[];
  };

  const search = async (body: SearchBody): Promise<SearchAnswer> => {
    const response = await post('/search', { properties: CONTACT_PROPERTIES, ...body });
    const answer = response.body as SearchAnswer | undefined;
    if (response.status !== 200 || !Array.isArray(answer?.results)) throw unexpectedResponse(SYSTEM, response, 'a search');
    return answer;
  };

  /** Every result of a lookup search (groups ORed); one request unless a lookup matches more than a page. */
  const searchAll = async (groups: Filter[][], properties = CONTACT_PROPERTIES): Promise<HubSpotRecord[]> => {
    const found: HubSpotRecord[] = [];
    let after: string | undefined;
    do {
      const answer = await search({ filterGroups: groups.map((filters) => ({ filters })), properties, limit: SEARCH_PAGE_MAX, after });
      found.push(...answer.results);
      after = answer.paging?.next?.after;
    } while (after);
    return found;
  };

  return {
    async readContacts(ids) {
      return (await Promise.all(chunks([...new Set(ids)].filter(isContactId), BATCH_READ_MAX).map((chunk) => batchRead(chunk)))).flat();
    },
    async pageContacts(query) {
      const filters: Filter[] = [];
      if (query.email) filters.push({ propertyName: 'email', operator: 'EQ', value: query.email });
      if (query.lifecycleStage) filters.push({ propertyName: 'lifecyclestage', operator: 'EQ', value: toHubSpotLifecycleStage(query.lifecycleStage) });
      if (query.updatedSince) filters.push({ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(Date.parse(query.updatedSince)) });
      const answer = await search({
        filterGroups: filters.length ? [{ filters }] : [],
        ...(query.search ? { query: query.search } : {}),
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'DESCENDING' }],
        limit: query.limit,
        ...(query.offset ? { after: String(query.offset) } : {}),
      });
      return { results: answer.results, hasMore: Boolean(answer.paging?.next?.after) };
    },
    findByShopCustomerIds: async (gids) => (gids.length ? searchAll([[inFilter('shop_customer_id', gids)]]) : []),
    findUnlinkedByEmails: async (emails) => (emails.length
      ? searchAll([[inFilter('email', emails), { propertyName: 'shop_customer_id', operator: 'NOT_HAS_PROPERTY' }]])
      : []),
    // HubSpot compares text filters against the lowercased stored value.
    findByEmail: async (email) => searchAll([[{ propertyName: 'email', operator: 'EQ', value: email.trim().toLowerCase() }]]),
    async pageModifiedSince({ since, skip, limit }) {
      const answer = await search({
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: String(since) }] }],
        properties: ['lastmodifieddate'],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        limit,
        ...(skip ? { after: String(skip) } : {}),
      });
      return { results: answer.results, hasMore: Boolean(answer.paging?.next?.after) };
    },
    async readHistories(ids, properties) {
      // Sequential: these reads serve a background pass, which need not compete with client requests.
      const found: HubSpotRecord[] = [];
      for (const chunk of chunks([...new Set(ids)].filter(isContactId), HISTORY_BATCH_READ_MAX)) found.push(...await batchRead(chunk, { propertiesWithHistory: properties }));
      return found;
    },
    async idsWithAnyValue(lookups) {
      // One filter group per IN filter of at most 100 values; groups are ORed, up to five per request.
      const groups = lookups.flatMap(({ propertyName, values }) => chunks(values, IN_VALUES_MAX).map((part) => [inFilter(propertyName, part)]));
      const ids = new Set<string>();
      for (const pack of chunks(groups, FILTER_GROUPS_MAX)) {
        for (const record of await searchAll(pack, ['hs_object_id'])) ids.add(record.id);
      }
      return [...ids];
    },
    async updateContact(id, properties) {
      if (!isContactId(id)) throw codedError('NOT_FOUND', 'HubSpot has no contact with this id.', { system: SYSTEM });
      return written(await send('PATCH', `/${id}`, { properties }), 200, id);
    },
    async createContact(properties) {
      const response = await post('', { properties });
      const existingId = response.status === 409 ? existingContactId(response.body as HubSpotError | undefined) : null;
      return existingId ? { existingId } : { created: written(response, 201, null) };
    },
  };
}
