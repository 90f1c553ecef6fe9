/**
 * The contacts endpoints of the CRM v3 objects API. Counter keys name the route pattern, e.g.
 * `POST /crm/v3/objects/contacts/batch/read`, `GET /crm/v3/objects/contacts/{id}`.
 */
import type { Routed, StandInRequest, StandInResponse } from '../shared/standin.ts';
import type { ContactStore } from './store.ts';
import { batchRead, getContact, listContacts, search } from './read-handlers.ts';
import { archiveContact, createContact, updateContact } from './write-handlers.ts';
import type { ContactChangeListener } from './webhooks.ts';
import { hubspotError, validationError } from './errors.ts';

const BASE = '/crm/v3/objects/contacts';

/** `onChange` hears every successful write's changes (the webhooks); `searchLag` says how far search trails creates (ms, and the clock). */
export function createRouter(store: ContactStore, onChange: ContactChangeListener = () => {}, searchLag: () => { ms: number; now: number } = () => ({ ms: 0, now: Date.now() })): (req: StandInRequest) => Routed {
  return (req) => {
    const path = req.url.pathname.replace(/\/+$/, '');
    const route = (pattern: string, response: () => StandInResponse): Routed => ({ endpoint: `${req.method} ${pattern}`, response: response() });
    const needsJson = (handle: () => StandInResponse) => () => (req.body === undefined ? validationError('Invalid input JSON: the body must be a JSON object.') : handle());

    if (path === BASE && req.method === 'GET') return route(BASE, () => listContacts(store, req));
    if (path === BASE && req.method === 'POST') return route(BASE, needsJson(() => createContact(store, req, onChange)));
    if (path === `${BASE}/batch/read` && req.method === 'POST') return route(`${BASE}/batch/read`, needsJson(() => batchRead(store, req)));
    if (path === `${BASE}/search` && req.method === 'POST') return route(`${BASE}/search`, needsJson(() => {
      const lag = searchLag();
      return search(store, req, lag.ms, lag.now);
    }));
    const one = new RegExp(`^${BASE}/([^/]+)$`).exec(path);
    if (one && req.method === 'GET') return route(`${BASE}/{id}`, () => getContact(store, req, decodeURIComponent(one[1])));
    if (one && req.method === 'PATCH') return route(`${BASE}/{id}`, needsJson(() => updateContact(store, req, decodeURIComponent(one[1]), onChange)));
    if (one && req.method === 'DELETE') return route(`${BASE}/{id}`, () => archiveContact(store, req, decodeURIComponent(one[1]), onChange));
    return route(path, () => hubspotError(404, 'OBJECT_NOT_FOUND', `No route for ${req.method} ${path}.`));
  };
}
