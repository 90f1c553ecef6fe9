/** The SourceRecord a subgraph reports for the part of a customer or order it holds. */
export type SourceSystem = 'CRM' | 'ERP' | 'COMMERCE' | 'SOCIAL';
export type LinkedBy = 'STORED_ID' | 'EMAIL_MATCH';

export interface SourceRecord {
  system: SourceSystem;
  externalId: string;
  /** The system's own change marker as read (HubSpot updatedAt, Odoo write_date, Shopify updatedAt). */
  version: string | null;
  updatedAt: string | null;
  linkedBy: LinkedBy;
}

/** The link data the CRM keeps on a contact (Customer.links), which the other subgraphs @require. */
export interface CustomerLinks {
  contactId: string;
  email: string | null;
  erpPartnerId: string | null;
  shopCustomerId: string | null;
  mastodonAcct: string | null;
}
