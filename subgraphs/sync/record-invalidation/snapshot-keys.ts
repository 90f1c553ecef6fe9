/** The cached records behind a customer's version: its CRM contact and the ERP partner and shop customer read with it. */
import { commerceCustomerKey, crmContactKey, erpPartnerKey, type RecordKey } from '../../shared/record-cache/record-keys.ts';
import { UNREADABLE, type CustomerSnapshot } from '../writes/snapshot.ts';

export function snapshotRecordKeys(snapshot: CustomerSnapshot): RecordKey[] {
  const keys = [crmContactKey(snapshot.contactId)];
  if (snapshot.erp && snapshot.erp !== UNREADABLE) keys.push(erpPartnerKey(snapshot.erp.externalId));
  const shop = snapshot.commerce && snapshot.commerce !== UNREADABLE ? commerceCustomerKey(snapshot.commerce.externalId) : null;
  if (shop) keys.push(shop);
  return keys;
}
