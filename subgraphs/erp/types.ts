/**
 * Odoo records as the JSON-2 API returns them for the fields this subgraph reads: `false` for an
 * empty value, many2one as `[id, display_name]`, naive UTC datetimes, money as JSON floats.
 * Transforms take these and must not trust them further than Odoo's documented shapes.
 */

/** A many2one value: `[id, display_name]`, or `false` when unset. */
export type Many2one = [number, string] | false;

export interface OdooPartner {
  id: number;
  name: string | false;
  email: string | false;
  /** The customer reference, e.g. "C00042". */
  ref: string | false;
  credit_limit: number | false;
  property_payment_term_id: Many2one;
  write_date: string | false;
}

/** A partner with the contact fields a customer write compares and sets (res.partner). */
export interface OdooPartnerContact extends OdooPartner {
  phone: string | false;
  street: string | false;
  street2: string | false;
  city: string | false;
  zip: string | false;
  country_id: Many2one;
}

export interface OdooInvoice {
  id: number;
  name: string | false;
  partner_id: Many2one;
  /** Dates are "YYYY-MM-DD"; a draft may have none yet. */
  invoice_date: string | false;
  invoice_date_due: string | false;
  amount_total: number | false;
  amount_residual: number | false;
  currency_id: Many2one;
  state: string;
  payment_state: string | false;
  /** The source document(s): a sale order name, or several joined by ", ". */
  invoice_origin: string | false;
  create_date: string | false;
  write_date: string | false;
}

export interface OdooSaleOrder {
  id: number;
  name: string | false;
  client_order_ref: string | false;
  state: string;
  warehouse_id: Many2one;
  /** When the first delivery was done (Odoo 17+: a datetime). */
  effective_date: string | false;
  invoice_ids: number[];
  write_date: string | false;
}

/** A sales order with what reconciliation compares with its shop order. */
export interface OdooSaleOrderTotal {
  id: number;
  name: string | false;
  client_order_ref: string | false;
  state: string;
  amount_total: number | false;
  currency_id: Many2one;
  /** Naive UTC, when the order was placed. */
  date_order: string | false;
  write_date: string | false;
}

/** Where a change feed stands in a model: just after the record with this write_date and id. */
export interface ChangePosition {
  /** Naive UTC, as Odoo compares it. */
  writeDate: string;
  id: number;
}

export interface OdooProduct {
  id: number;
  default_code: string | false;
}

export interface OdooQuant {
  id: number;
  product_id: Many2one;
  warehouse_id: Many2one;
  quantity: number | false;
  reserved_quantity: number | false;
}

export interface OdooCurrencyRate {
  id: number;
  currency_id: Many2one;
  /** The date from which the rate applies, "YYYY-MM-DD". */
  name: string;
  /** Units of this currency per one unit of the company currency. */
  rate: number | false;
}

export interface OdooCompany {
  id: number;
  currency_id: Many2one;
}
