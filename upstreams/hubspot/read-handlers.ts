/** The read endpoints: list, get one, batch read, search. Each returns the HTTP answer HubSpot gives. */
import type { HubSpotContact } from '../dataset/types.ts';
import type { StandInRequest, StandInResponse } from '../shared/standin.ts';
import type { ContactStore } from './store.ts';
import { requestedProperties, toWireRecord } from './properties.ts';
import { searchContacts, type SearchRequest } from './search.ts';
import { objectNotFound, validationError } from './errors.ts';
import { historyOf, MAX_HISTORY_BATCH_INPUTS, type PropertyVersion } from './history.ts';

const MAX_LIST_LIMIT = 100;
const MAX_BATCH_INPUTS = 100;

const queryProperties = (url: URL) => requestedProperties(url.searchParams.getAll('properties'));

/** A contact as returned, with `propertiesWithHistory` when any are asked for. */
function withHistory(store: ContactStore, contact: HubSpotContact, properties: string[], historyNames: string[]): HubSpotContact & { propertiesWithHistory?: Record<string, PropertyVersion[]> } {
  const record = toWireRecord(contact, properties);
  return historyNames.length ? { ...record, propertiesWithHistory: historyOf(store.history(contact.id), historyNames) } : record;
}

/** `GET /crm/v3/objects/contacts`: id order; `after` is the id the next page starts at. */
export function listContacts(store: ContactStore, req: StandInRequest): StandInResponse {
  const limit = Number(req.url.searchParams.get('limit') ?? 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) return validationError(`limit must be between 1 and ${MAX_LIST_LIMIT}: ${req.url.searchParams.get('limit')}`);
  const after = Number(req.url.searchParams.get('after') ?? 0);
  const rest = store.all().filter((c) => Number(c.id) >= after);
  const page = rest.slice(0, limit);
  const body: Record<string, unknown> = { results: page.map((c) => toWireRecord(c, queryProperties(req.url))) };
  const next = rest[limit];
  if (next) {
    const link = new URL(req.url.pathname + req.url.search, `http://${req.headers.host ?? 'localhost'}`);
    link.searchParams.set('after', next.id);
    body.paging = { next: { after: next.id, link: link.toString() } };
  }
  return { status: 200, body };
}

/**
 * `GET /crm/v3/objects/contacts/{id}`, also by email with `?idProperty=email` (case-insensitive);
 * `propertiesWithHistory=a,b` (possibly repeated) adds those properties' histories.
 */
export function getContact(store: ContactStore, req: StandInRequest, id: string): StandInResponse {
  const contact = req.url.searchParams.get('idProperty') === 'email' ? store.byEmail(id) : store.byId(id);
  const history = requestedProperties(req.url.searchParams.getAll('propertiesWithHistory'));
  return contact ? { status: 200, body: withHistory(store, contact, queryProperties(req.url), history) } : objectNotFound(id);
}

interface BatchReadBody {
  inputs?: { id?: unknown }[];
  properties?: string[];
  propertiesWithHistory?: string[];
  idProperty?: string;
}

/**
 * `POST /crm/v3/objects/contacts/batch/read`: results in no particular order (here: id order), each
 * contact once; missing ids make it a 207 with an OBJECT_NOT_FOUND entry under `errors`. With
 * `propertiesWithHistory`, at most 50 inputs.
 */
export function batchRead(store: ContactStore, req: StandInRequest): StandInResponse {
  const body = req.body as BatchReadBody | undefined;
  if (!body || !Array.isArray(body.inputs)) return validationError('Invalid input JSON: "inputs" must be a list.');
  if (body.inputs.length > MAX_BATCH_INPUTS) return validationError(`Batch input limit exceeded: at most ${MAX_BATCH_INPUTS} inputs are allowed, got ${body.inputs.length}.`);
  const history = requestedProperties(body.propertiesWithHistory);
  if (history.length && body.inputs.length > MAX_HISTORY_BATCH_INPUTS) {
    return validationError(`The maximum number of inputs supported in a batch request for property histories is ${MAX_HISTORY_BATCH_INPUTS}. Please reduce the number of items and try again.`);
  }
  const startedAt = new Date().toISOString();
  const found = new Map<string, HubSpotContact>();
  const missing: string[] = [];
  for (const input of body.inputs) {
    const key = String(input?.id ?? '');
    const contact = body.idProperty === 'email' ? store.byEmail(key) : store.byId(key);
    if (contact) found.set(contact.id, contact);
    else missing.push(key);
  }
  const results = [...found.values()].sort((a, b) => Number(a.id) - Number(b.id))
    .map((c) => withHistory(store, c, requestedProperties(body.properties), history));
  const completedAt = new Date().toISOString();
  if (!missing.length) return { status: 200, body: { status: 'COMPLETE', results, startedAt, completedAt } };
  return {
    status: 207,
    body: {
      status: 'COMPLETE', results, numErrors: 1, startedAt, completedAt,
      errors: [{
        status: 'error', category: 'OBJECT_NOT_FOUND',
        message: 'Could not get some CONTACT objects, they may be deleted or not exist. Check that ids are valid.',
        context: { ids: missing },
      }],
    },
  };
}

/**
 * `POST /crm/v3/objects/contacts/search`. HubSpot's search index trails its writes by a few seconds:
 * a contact created less than `lagMs` before `now` is not found yet (reads by id see it at once).
 */
export function search(store: ContactStore, req: StandInRequest, lagMs = 0, now = Date.now()): StandInResponse {
  const body = (req.body ?? {}) as SearchRequest;
  if (typeof body !== 'object') return validationError('Invalid input JSON.');
  const indexed = (c: HubSpotContact) => !c.archived && (lagMs <= 0 || Date.parse(c.createdAt) <= now - lagMs);
  const outcome = searchContacts(store.indexes, body, indexed);
  if (!outcome.ok) return validationError(outcome.message);
  const results = outcome.page.map((c) => toWireRecord(c, requestedProperties(body.properties)));
  return { status: 200, body: { total: outcome.total, results, ...(outcome.nextAfter ? { paging: { next: { after: outcome.nextAfter } } } : {}) } };
}
