/** The SourceRecord a subgraph reports for the part of a customer or order it holds. */
export type SourceSystem = 'CRM' | 'ERP' | 'COMMERCE' | 'SOCIAL';
export type LinkedBy = 'STORED_ID' | 'EMAIL_MATCH';

export interface SourceRecord {
  system: SourceSystem;
  externalId: string;
  /** The system's own change marker as read (HubSpot updatedAt, Odoo write_date, Shopify updatedAt). */
  version: string | null;
  updatedAt: string | null;
  /** How the record was found; UNAVAILABLE only on the sentinel of unavailableSource(). */
  linkedBy: LinkedBy | typeof UNAVAILABLE_LINK;
}

/** The linkedBy of a source whose system could not be read (never shown to clients). */
export const UNAVAILABLE_LINK = 'UNAVAILABLE';

/**
 * What erpSource / commerceSource / socialSource (inaccessible, for the CRM through @requires) return
 * when their upstream fails: "this system could not be read", as opposed to null, "no record there".
 * The CRM leaves it out of `sources` and marks it in `version`, reporting an error at each.
 */
export function unavailableSource(system: SourceSystem): SourceRecord {
  return { system, externalId: '', version: null, updatedAt: null, linkedBy: UNAVAILABLE_LINK };
}

/** Whether a source record passed through @requires is the unavailable sentinel. */
export function isUnavailableSource(source: Pick<SourceRecord, 'linkedBy'> | null | undefined): boolean {
  return source?.linkedBy === UNAVAILABLE_LINK;
}

/** The link data the CRM keeps on a contact (Customer.links), which the other subgraphs @require. */
export interface CustomerLinks {
  contactId: string;
  email: string | null;
  erpPartnerId: string | null;
  shopCustomerId: string | null;
  mastodonAcct: string | null;
}
