/**
 * The ORM methods the stand-in answers on `POST /json/2/<model>/<method>`, with Odoo's named
 * arguments: search_read, search, search_count, read, write, create, and sale.order's action_cancel.
 * Searches apply Odoo's `active_test`: records with `active = false` are left out unless the domain
 * mentions `active` or the context says `active_test: false`.
 */
import { MODELS, type ModelSpec } from './models.ts';
import type { OdooRow } from './domain.ts';
import { search as searchRows } from './search.ts';
import type { OdooStore } from './store.ts';
import { OdooFault, valueError } from './errors.ts';

type Args = Record<string, unknown>;
type Handler = (store: OdooStore, model: string, args: Args) => unknown;

const SEARCH_PARAMS = ['domain', 'offset', 'limit', 'order'];

const HANDLERS: Record<string, { params: string[]; models?: string[]; run: Handler }> = {
  search_read: { params: [...SEARCH_PARAMS, 'fields'], run: (s, m, a) => search(s, m, a).map((row) => project(m, row, a.fields)) },
  search: { params: SEARCH_PARAMS, run: (s, m, a) => search(s, m, a).map((row) => row.id) },
  search_count: { params: ['domain', 'limit'], run: (s, m, a) => search(s, m, { domain: a.domain, limit: a.limit }).length },
  read: { params: ['ids', 'fields'], run: (s, m, a) => s.byIds(m, ids(a)).map((row) => project(m, row, a.fields)) },
  write: { params: ['ids', 'vals'], run: (s, m, a) => { s.write(m, ids(a), dict(a.vals, 'vals')); return true; } },
  create: {
    params: ['vals_list'],
    run: (s, m, a) => s.create(m, (Array.isArray(a.vals_list) ? a.vals_list : [a.vals_list]).map((v) => dict(v, 'vals_list'))),
  },
  action_cancel: {
    params: ['ids'], models: ['sale.order'],
    run: (s, m, a) => { s.write(m, ids(a), { state: 'cancel' }); return true; },
  },
};

/** Runs one JSON-2 call; unknown models and methods are werkzeug's NotFound, bad arguments UnprocessableEntity. */
export function callMethod(store: OdooStore, model: string, method: string, body: unknown): unknown {
  if (!MODELS[model]) throw new OdooFault(404, 'werkzeug.exceptions.NotFound', `the model '${model}' does not exist`, [404]);
  const handler = HANDLERS[method];
  if (!handler || (handler.models && !handler.models.includes(model))) {
    throw new OdooFault(404, 'werkzeug.exceptions.NotFound', `the method '${method}' does not exist on the model '${model}'`, [404]);
  }
  const args = (body ?? {}) as Args;
  if (typeof args !== 'object' || Array.isArray(args)) throw unprocessable('the body must be a JSON object');
  const unexpected = Object.keys(args).find((key) => key !== 'context' && !handler.params.includes(key));
  if (unexpected) throw unprocessable(`${method}() got an unexpected keyword argument '${unexpected}'`);
  return handler.run(store, model, args);
}

function search(store: OdooStore, model: string, args: Args): OdooRow[] {
  return searchRows(store, model, { domain: args.domain, context: args.context, order: args.order, offset: integer(args.offset, 'offset') ?? 0, limit: integer(args.limit, 'limit') });
}

/** A record as `read` returns it: `id` first, then the fields asked for (all when none are). */
function project(model: string, row: OdooRow, fields: unknown): OdooRow {
  const spec: ModelSpec = MODELS[model];
  const names = Array.isArray(fields) && fields.length > 0 ? fields.map(String) : Object.keys(spec.fields);
  const out: OdooRow = { id: row.id };
  for (const name of names) {
    if (!spec.fields[name]) throw valueError(`Invalid field '${name}' on model '${model}'`);
    out[name] = row[name];
  }
  return out;
}

function ids(args: Args): number[] {
  const value = args.ids;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((id) => Number.isInteger(id))) throw unprocessable(`ids must be a list of integers: ${JSON.stringify(value)}`);
  return list as number[];
}

function integer(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === false) return null;
  if (!Number.isInteger(value) || (value as number) < 0) throw unprocessable(`${name} must be a non-negative integer: ${JSON.stringify(value)}`);
  return value as number;
}

function dict(value: unknown, name: string): Args {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw unprocessable(`${name} must be a JSON object: ${JSON.stringify(value)}`);
  return value as Args;
}

const unprocessable = (message: string) => new OdooFault(422, 'werkzeug.exceptions.UnprocessableEntity', message, [422]);
