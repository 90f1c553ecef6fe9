/**
 * The slice of Odoo's data model the stand-in serves: each model's fields with their types, the
 * default sort (`_order`) and the defaults `create` applies. Field types decide how domains compare
 * values (a many2one compares by id) and how writes store them (a many2one id becomes `[id, name]`).
 */

export type FieldType =
  | 'integer' | 'char' | 'float' | 'monetary' | 'boolean' | 'date' | 'datetime' | 'selection'
  | 'many2one' | 'one2many' | 'many2many';

export interface FieldSpec {
  type: FieldType;
  /** The related model of a relational field. */
  relation?: string;
  /** The value `create` stores when none is given (Odoo's own default); `false` otherwise. */
  default?: string | number | boolean;
  required?: boolean;
}

export interface ModelSpec {
  fields: Record<string, FieldSpec>;
  /** Odoo's `_order`, used when a search names no order. */
  order: string;
}

const m2o = (relation: string, required = false): FieldSpec => ({ type: 'many2one', relation, required });
const char: FieldSpec = { type: 'char' };
const float: FieldSpec = { type: 'float' };
const money: FieldSpec = { type: 'monetary' };
const date: FieldSpec = { type: 'date' };
const datetime: FieldSpec = { type: 'datetime' };

/** Every Odoo model has these "magic" fields. */
const MAGIC: Record<string, FieldSpec> = { id: { type: 'integer' }, create_date: datetime, write_date: datetime };

const model = (order: string, fields: Record<string, FieldSpec>): ModelSpec => ({ order, fields: { ...MAGIC, ...fields } });

export const MODELS: Record<string, ModelSpec> = {
  'res.partner': model('name asc, id desc', {
    name: { type: 'char', required: true }, email: char, phone: char, street: char, street2: char, city: char, zip: char,
    state_id: m2o('res.country.state'), country_id: m2o('res.country'), ref: char, credit_limit: float,
    property_payment_term_id: m2o('account.payment.term'), active: { type: 'boolean', default: true },
  }),
  'res.country': model('name asc', { name: char, code: char }),
  'res.currency': model('active desc, name asc', {
    name: char, decimal_places: { type: 'integer' }, active: { type: 'boolean', default: true },
  }),
  'res.currency.rate': model('name desc', { currency_id: m2o('res.currency', true), name: date, rate: float, company_rate: float }),
  'res.company': model('name asc', { name: char, currency_id: m2o('res.currency', true) }),
  'sale.order': model('date_order desc, id desc', {
    name: { type: 'char', default: '/' }, partner_id: m2o('res.partner', true), client_order_ref: char, date_order: datetime,
    state: { type: 'selection', default: 'draft' }, amount_untaxed: money, amount_tax: money, amount_total: money,
    currency_id: m2o('res.currency'), warehouse_id: m2o('stock.warehouse'), effective_date: datetime,
    invoice_ids: { type: 'many2many', relation: 'account.move' },
  }),
  'account.move': model('date desc, name desc, id desc', {
    name: { type: 'char', default: '/' }, move_type: { type: 'selection', default: 'entry' }, partner_id: m2o('res.partner'),
    date: date, invoice_date: date, invoice_date_due: date, amount_total: money, amount_residual: money,
    currency_id: m2o('res.currency'), state: { type: 'selection', default: 'draft' },
    payment_state: { type: 'selection', default: 'not_paid' }, invoice_origin: char,
  }),
  'product.product': model('default_code asc, name asc, id asc', {
    default_code: char, name: { type: 'char', required: true }, list_price: float, active: { type: 'boolean', default: true },
  }),
  'stock.quant': model('id asc', {
    product_id: m2o('product.product', true), warehouse_id: m2o('stock.warehouse'), quantity: float, reserved_quantity: float,
  }),
  'stock.warehouse': model('name asc', { name: char, code: char }),
  'account.payment.term': model('name asc', { name: char }),
};

/** Odoo's display name of a record, as many2one values carry it (`[id, display_name]`). */
export function displayNameOf(modelName: string, record: Record<string, unknown>): string {
  if (modelName === 'product.product' && record.default_code) return `[${String(record.default_code)}] ${String(record.name)}`;
  return typeof record.name === 'string' ? record.name : `${modelName},${String(record.id)}`;
}
