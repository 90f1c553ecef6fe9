/**
 * The contract between the write orchestrator (subgraphs/sync) and each system's connector for
 * writes. Each system implements it in its own folder (subgraphs/<system>/write-adapter.ts) on top of
 * its client, so the upstream dialect stays in one place per system.
 */
import type { CustomerLinks, LinkedBy, SourceSystem } from './sources.ts';

export type LifecycleStageValue = 'SUBSCRIBER' | 'LEAD' | 'MARKETING_QUALIFIED_LEAD' | 'SALES_QUALIFIED_LEAD' | 'OPPORTUNITY' | 'CUSTOMER' | 'EVANGELIST' | 'OTHER';

export interface AddressFields {
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  /**
   * The country exactly as the CRM stores it ("Deutschland", "Narnia"), which `country` reads; only the
   * CRM's fields carry it. A write keeps it while it still reads as `country`, so changing another part
   * of the address never rewrites or clears it; null (as when a client sets the country) writes the ISO code.
   */
  countryText?: string | null;
}

/** The canonical customer fields a write can set. null clears. Phone is E.164; country is ISO alpha-2. */
export interface CustomerFields {
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  email: string | null;
  phone: string | null;
  address: AddressFields | null;
  lifecycleStage: LifecycleStageValue | null;
}

export type CustomerField = keyof CustomerFields;

/** Values in one system's own write format: HubSpot property strings, Odoo vals, Shopify input fields. */
export type SystemValues = Record<string, unknown>;

/**
 * A customer's master fields as one system holds them, in canonical form (the read path's transforms:
 * E.164 phones, ISO countries, Odoo's `false` and empty strings as null, an address with no part as
 * null), so that the systems can be compared field by field (compare-master.ts). A field a system
 * does not hold is absent (undefined), which is not the same as null ("held, and empty").
 */
export interface MasterView {
  /** Systems with separate name parts (CRM, shop). */
  firstName?: string | null;
  lastName?: string | null;
  /** Systems with one display name (ERP res.partner.name); the CRM gives its contract display name too. */
  displayName?: string | null;
  email: string | null;
  phone: string | null;
  address: AddressFields | null;
}

/** A customer's record in one system, read straight from the upstream (never from a cache) for a write. */
export interface SystemRecord {
  externalId: string;
  /** The change marker exactly as the read path reports it in SourceRecord.version (so version tokens match). */
  marker: string;
  /** Epoch ms of `marker` (the record's last change at the source). */
  changedAt: number;
  linkedBy: LinkedBy;
  /** The record's current values in the system's write format, keyed like `project`'s output, for diffing. */
  values: SystemValues;
  /** The master fields as this system holds them, through the read path's transforms (E.164 phones, ISO countries). */
  canonical: MasterView;
}

/**
 * Writes one system's part of a customer. Errors are coded (schema/errors.ts):
 * UPSTREAM_UNAVAILABLE for a transient failure (unreachable, timeout, 429, 502-504), which the outbox
 * retries; anything else (BAD_USER_INPUT, CONFLICT, UPSTREAM_ERROR) is a permanent refusal whose
 * message says why (the upstream's reason, never a URL or credential).
 */
export interface CustomerWriteAdapter {
  system: SourceSystem;
  /** The record linked to the customer, by the stored id, else by email ignoring case (the read path's rule); null if none. */
  read(links: CustomerLinks): Promise<SystemRecord | null>;
  /** The system's values for the named canonical fields of `desired` (e.g. firstName → HubSpot `firstname`, Odoo `name`). */
  project(desired: CustomerFields, fields: CustomerField[]): Promise<SystemValues>;
  /** Writes the given values (already reduced to the ones that differ). */
  update(externalId: string, changes: SystemValues): Promise<void>;
  /** Creates the record from the full canonical fields; if one with the same email exists already, returns its id instead (safe to repeat). */
  create(desired: CustomerFields): Promise<string>;
}

/** A system linked to CRM contacts (the ERP, the shop): what a reconciliation pass needs besides writes. */
export interface LinkedWriteAdapter extends CustomerWriteAdapter {
  /** `read` for many customers (in the order given) in a constant number of requests: a pass compares pages of them. */
  readMany(links: readonly CustomerLinks[]): Promise<(SystemRecord | null)[]>;
  /**
   * How many records (active ERP partners, shop customers) have this email, ignoring case: more than
   * one makes an email link ambiguous.
   */
  countByEmail(email: string): Promise<number>;
  /**
   * countByEmail for many emails at once (a reconciliation page's email links), keyed by the email
   * trimmed and lowercased; the same counts, in fewer requests where the system allows.
   */
  countByEmails(emails: readonly string[]): Promise<Map<string, number>>;
}

/** A contact as the write path reads it: its record, its links to the other systems, its canonical fields. */
export interface CrmContact {
  record: SystemRecord;
  links: CustomerLinks;
  fields: CustomerFields;
}

/** The CRM, system of record: also reads a contact by id with its links and canonical fields, and stores links. */
export interface CrmWriteAdapter extends CustomerWriteAdapter {
  readContact(contactId: string): Promise<CrmContact | null>;
  /** readContact for many contacts in a constant number of requests; ids with no contact are absent. */
  readContacts(contactIds: readonly string[]): Promise<Map<string, CrmContact>>;
  /** The id of the contact with this email (any case), or null. Search: a contact created seconds ago may not be found yet. */
  findContactIdByEmail(email: string): Promise<string | null>;
  /**
   * Creates the contact; when the email is taken, HubSpot's own answer names the contact that has it
   * (`created: false`), found at once, unlike the lagging search. Whose it is, is the caller's to decide.
   */
  createContact(desired: CustomerFields): Promise<{ contactId: string; created: boolean }>;
  /** Stores cross-system ids on the contact (erp_partner_id, shop_customer_id). */
  storeLinks(contactId: string, links: { erpPartnerId?: string; shopCustomerId?: string }): Promise<void>;
}

/** An order's record in one system, read straight from the upstream for a write. */
export interface OrderRecord {
  externalId: string;
  marker: string;
  cancelled: boolean;
}

export interface CommerceOrderAdapter {
  /** The shop order by its numeric id, with its name (the ERP's client_order_ref) and shop customer; null if none. */
  readOrder(shopOrderId: string): Promise<(OrderRecord & { number: string }) | null>;
  /** orderCancel; orderCancelUserErrors are a permanent refusal. */
  cancelOrder(externalId: string, reason: string | null): Promise<void>;
}

export interface ErpOrderAdapter {
  /** The sales order whose client_order_ref is the shop order name (the read path's rule); null if none. */
  readSaleOrder(orderNumber: string): Promise<OrderRecord | null>;
  /** sale.order/action_cancel. */
  cancelSaleOrder(externalId: string): Promise<void>;
}
