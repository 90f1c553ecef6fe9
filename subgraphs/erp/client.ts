/**
 * The only code that speaks Odoo's external JSON-2 API (Odoo 19): `POST /json/2/<model>/<method>`
 * with named arguments, `Authorization: bearer <API key>` and `X-Odoo-Database`. Every method here is
 * one request whatever the number of records asked for, so loaders can batch through it. The write
 * methods (for the sync subgraph's write adapter) report Odoo's refusals with its reason.
 */
import { codedError } from '../../schema/errors.ts';
import { unexpectedResponse, upstreamRequest, type RequestOptions, type UpstreamResponse } from '../shared/upstream-http.ts';
import type { OdooConfig } from './config.ts';
import type {
  ChangePosition, OdooCompany, OdooCurrencyRate, OdooInvoice, OdooPartner, OdooPartnerContact, OdooProduct, OdooQuant, OdooSaleOrder, OdooSaleOrderTotal,
} from './types.ts';

const SYSTEM = 'Odoo';

export interface OdooClient {
  /** Active partners with one of these ids, or whose email equals one of these case-insensitively. */
  findPartners(ids: number[], emails: string[]): Promise<OdooPartner[]>;
  /** The customer invoices (out_invoice) of these partners, and of the partners with one of these emails (any case), newest first. */
  customerInvoices(partnerIds: number[], partnerEmails?: string[]): Promise<OdooInvoice[]>;
  /** Sales orders whose client_order_ref (the shop's order number) is one of these, newest first. */
  saleOrdersByClientRef(refs: string[]): Promise<OdooSaleOrder[]>;
  /** Sales orders by name (e.g. "S00042"), for the shop order number an invoice bills. */
  saleOrdersByName(names: string[]): Promise<Pick<OdooSaleOrder, 'id' | 'name' | 'client_order_ref'>[]>;
  /** Invoice names by id, with `read` (the ids come from Odoo's own invoice_ids). */
  invoiceNames(ids: number[]): Promise<Pick<OdooInvoice, 'id' | 'name'>[]>;
  /** Products whose internal reference (default_code) is one of these SKUs. */
  productsBySku(skus: string[]): Promise<OdooProduct[]>;
  /** Stock quants of these products. */
  quantsOfProducts(productIds: number[]): Promise<OdooQuant[]>;
  /** The whole rate table, oldest first. */
  currencyRates(): Promise<OdooCurrencyRate[]>;
  /** The main company (lowest id), for its currency. */
  mainCompany(): Promise<OdooCompany | null>;
  /** findPartners' search, with the contact fields a customer write compares and sets as well. */
  findPartnerContacts(ids: number[], emails: string[]): Promise<OdooPartnerContact[]>;
  /** The id of the res.country with this ISO code, or null. */
  countryIdByCode(code: string): Promise<number | null>;
  /** res.partner/write of `vals` on one partner. */
  writePartner(id: number, vals: Record<string, unknown>): Promise<void>;
  /** res.partner/create of one partner; its new id. */
  createPartner(vals: Record<string, unknown>): Promise<number>;
  /** sale.order/action_cancel of one sales order. */
  cancelSaleOrder(id: number): Promise<void>;
  /** How many active partners have this email, ignoring case (search_count). */
  countPartnersByEmail(email: string): Promise<number>;
  /** Up to `limit` active partners changed after `from` (by write_date, then id), oldest first. */
  partnersChangedAfter(from: ChangePosition, limit: number): Promise<Pick<OdooPartner, 'id' | 'email' | 'write_date'>[]>;
  /** Up to `limit` sales orders changed after `from` (by write_date, then id), oldest first. */
  saleOrdersChangedAfter(from: ChangePosition, limit: number): Promise<OdooSaleOrderTotal[]>;
  /** saleOrdersByClientRef with the totals reconciliation compares, newest first. */
  saleOrderTotalsByClientRef(refs: string[]): Promise<OdooSaleOrderTotal[]>;
}

type Domain = unknown[];
type Failure = (res: UpstreamResponse, call: string) => Error;

/**
 * Models no write of the gateway changes: identical reads of them in flight at once share one request
 * (upstream-http.ts). A read of the others must see our own latest write: partners and sales orders are
 * written, and cancelling a sales order also cancels its draft invoices (account.move) and releases its
 * reserved stock (stock.quant).
 */
const NEVER_WRITTEN = new Set(['res.currency.rate', 'res.company', 'res.country', 'product.product']);

const PARTNER_FIELDS = ['name', 'email', 'ref', 'credit_limit', 'property_payment_term_id', 'write_date'];
const CONTACT_FIELDS = ['phone', 'street', 'street2', 'city', 'zip', 'country_id'];
const SALE_TOTAL_FIELDS = ['name', 'client_order_ref', 'state', 'amount_total', 'currency_id', 'date_order', 'write_date'];
/** The change feeds' order: write_date, ties by id, so a position (write_date, id) is exact. */
const CHANGE_ORDER = 'write_date asc, id asc';

export function createOdooClient(config: OdooConfig): OdooClient {
  /** One JSON-2 call: Odoo's 200 answer, else the error `failure` makes of its refusal. */
  const post = async (model: string, method: string, args: Record<string, unknown>, failure: Failure, options: RequestOptions = {}): Promise<UpstreamResponse> => {
    const res = await upstreamRequest(SYSTEM, `${config.baseUrl}/json/2/${model}/${method}`, {
      method: 'POST',
      headers: {
        authorization: `bearer ${config.credential}`,
        'x-odoo-database': config.database,
        'content-type': 'application/json; charset=utf-8',
        accept: 'application/json',
      },
      body: JSON.stringify(args),
    }, config.timeoutMs, options);
    if (res.status !== 200) throw failure(res, `${model}/${method}`);
    return res;
  };
  /** A read (search_read, read) answered with records. */
  const call = async (model: string, method: string, args: Record<string, unknown>): Promise<unknown[]> => {
    const res = await post(model, method, args, odooFailure, { shareInFlight: NEVER_WRITTEN.has(model) });
    if (!isRecordList(res.body)) throw unexpectedResponse(SYSTEM, res, `${model}/${method}`);
    return res.body;
  };
  /** A write whose answer must be `true` (write, action methods); Odoo's refusals keep their reason. */
  const change = async (model: string, method: string, args: Record<string, unknown>): Promise<void> => {
    const res = await post(model, method, args, writeFailure);
    if (res.body !== true) throw unexpectedResponse(SYSTEM, res, `${model}/${method}`);
  };
  const searchRead = <T>(model: string, domain: Domain, fields: string[], order: string, limit?: number): Promise<T[]> =>
    call(model, 'search_read', { domain, fields, order, ...(limit ? { limit } : {}) }) as Promise<T[]>;
  const searchPartners = async <T>(ids: number[], emails: string[], fields: string[]): Promise<T[]> => {
    const leaves: Domain = [...(ids.length ? [['id', 'in', ids]] : []), ...emails.map((e) => ['email', '=ilike', escapeLike(e)])];
    return leaves.length === 0 ? [] : searchRead('res.partner', anyOf(leaves), fields, 'id asc');
  };

  return {
    findPartners: (ids, emails) => searchPartners(ids, emails, PARTNER_FIELDS),
    customerInvoices: async (partnerIds, partnerEmails = []) => partnerIds.length + partnerEmails.length === 0 ? [] : searchRead('account.move',
      [['move_type', '=', 'out_invoice'], ...anyOf([
        ...(partnerIds.length ? [['partner_id', 'in', partnerIds]] : []),
        ...partnerEmails.map((e) => ['partner_id.email', '=ilike', escapeLike(e)]),
      ])],
      ['name', 'partner_id', 'invoice_date', 'invoice_date_due', 'amount_total', 'amount_residual', 'currency_id', 'state',
        'payment_state', 'invoice_origin', 'create_date', 'write_date'],
      'invoice_date desc, id desc'),
    saleOrdersByClientRef: async (refs) => refs.length === 0 ? [] : searchRead('sale.order', [['client_order_ref', 'in', refs]],
      ['name', 'client_order_ref', 'state', 'warehouse_id', 'effective_date', 'invoice_ids', 'write_date'], 'id desc'),
    saleOrdersByName: async (names) => names.length === 0 ? [] : searchRead('sale.order', [['name', 'in', names]], ['name', 'client_order_ref'], 'id asc'),
    invoiceNames: async (ids) => ids.length === 0 ? [] : call('account.move', 'read', { ids, fields: ['name'] }) as Promise<Pick<OdooInvoice, 'id' | 'name'>[]>,
    productsBySku: async (skus) => skus.length === 0 ? [] : searchRead('product.product', [['default_code', 'in', skus]], ['default_code'], 'id asc'),
    quantsOfProducts: async (productIds) => productIds.length === 0 ? [] : searchRead('stock.quant', [['product_id', 'in', productIds]],
      ['product_id', 'warehouse_id', 'quantity', 'reserved_quantity'], 'id asc'),
    currencyRates: () => searchRead('res.currency.rate', [], ['currency_id', 'name', 'rate'], 'name asc, id asc'),
    mainCompany: async () => (await call('res.company', 'search_read', { domain: [], fields: ['currency_id'], order: 'id asc', limit: 1 }))[0] as OdooCompany ?? null,

    findPartnerContacts: (ids, emails) => searchPartners(ids, emails, [...PARTNER_FIELDS, ...CONTACT_FIELDS]),
    countryIdByCode: async (code) => (await searchRead<{ id: number }>('res.country', [['code', '=', code]], ['code'], 'id asc'))[0]?.id ?? null,
    writePartner: (id, vals) => change('res.partner', 'write', { ids: [id], vals }),
    createPartner: async (vals) => {
      const res = await post('res.partner', 'create', { vals_list: [vals] }, writeFailure);
      const ids = res.body;
      if (!Array.isArray(ids) || ids.length !== 1 || !Number.isInteger(ids[0])) throw unexpectedResponse(SYSTEM, res, 'res.partner/create');
      return ids[0] as number;
    },
    // A confirmed order answers action_cancel with the sale.order.cancel wizard (an action dict) and
    // stays as it is, unless the context disables that warning, as the wizard's own button does.
    cancelSaleOrder: (id) => change('sale.order', 'action_cancel', { ids: [id], context: { disable_cancel_warning: true } }),

    countPartnersByEmail: async (email) => {
      const res = await post('res.partner', 'search_count', { domain: [['email', '=ilike', escapeLike(email.trim())]] }, odooFailure);
      if (!Number.isInteger(res.body)) throw unexpectedResponse(SYSTEM, res, 'res.partner/search_count');
      return res.body as number;
    },
    partnersChangedAfter: (from, limit) => searchRead('res.partner', changedAfter(from), ['email', 'write_date'], CHANGE_ORDER, limit),
    saleOrdersChangedAfter: (from, limit) => searchRead('sale.order', changedAfter(from), SALE_TOTAL_FIELDS, CHANGE_ORDER, limit),
    saleOrderTotalsByClientRef: async (refs) => refs.length === 0 ? [] : searchRead('sale.order', [['client_order_ref', 'in', refs]], SALE_TOTAL_FIELDS, 'id desc'),
  };
}

/** Records after a position in CHANGE_ORDER: a later write_date, or the same one and a higher id. */
const changedAfter = ({ writeDate, id }: ChangePosition): Domain =>
  ['|', ['write_date', '>', writeDate], '&', ['write_date', '=', writeDate], ['id', '>', id]];

/** Joins leaves with Odoo's prefix OR: `['|', '|', A, B, C]` is A or B or C. */
function anyOf(leaves: Domain): Domain {
  return [...Array<string>(Math.max(0, leaves.length - 1)).fill('|'), ...leaves];
}

/** `=ilike` is SQL ILIKE: escape its wildcards so an email's `_` or `%` matches only itself. */
const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Odoo's UserError family that refuses the values themselves (422): the caller must see why. */
const REFUSALS = new Set(['odoo.exceptions.ValidationError', 'odoo.exceptions.UserError']);

/** Odoo's reason is one line in the answer, however Odoo broke it; a long one is cut. */
const MAX_REASON = 300;

/**
 * A failed write: a MissingError is NOT_FOUND; a ValidationError or UserError (a value or state Odoo
 * refuses, permanent) is BAD_USER_INPUT carrying Odoo's `message`, on one line, but never its `debug`
 * traceback; anything else is odooFailure's UPSTREAM_ERROR.
 */
function writeFailure(res: UpstreamResponse, call: string): Error {
  const { name, message } = (res.body ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'odoo.exceptions.MissingError') {
    return codedError('NOT_FOUND', `Odoo has no record for ${call}: it does not exist or was deleted.`, { system: SYSTEM, status: res.status });
  }
  if (typeof name === 'string' && REFUSALS.has(name) && typeof message === 'string' && message.trim()) {
    const reason = message.replace(/\s+/g, ' ').trim();
    const cut = reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason;
    return codedError('BAD_USER_INPUT', `Odoo refused the change: ${cut}`, { system: SYSTEM, status: res.status });
  }
  return odooFailure(res, call);
}

function isRecordList(body: unknown): body is { id: number }[] {
  return Array.isArray(body) && body.every((r) => typeof r === 'object' && r !== null && typeof (r as { id: unknown }).id === 'number');
}

/**
 * A 4xx that upstreamRequest leaves to the client: Odoo's own error (MissingError, ValidationError,
 * werkzeug NotFound for an unknown database, …). Only the exception's name is kept: Odoo's message and
 * `debug` traceback can quote record data and server paths.
 */
function odooFailure(res: UpstreamResponse, call: string): Error {
  const name = (res.body as { name?: unknown } | undefined)?.name;
  const exception = typeof name === 'string' && /^[\w.]+$/.test(name) ? name : 'an error';
  return codedError('UPSTREAM_ERROR', `${SYSTEM} answered ${call} with ${exception} (HTTP ${res.status}).`, { system: SYSTEM, status: res.status });
}
