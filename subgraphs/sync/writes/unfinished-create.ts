/**
 * Whether a contact that already has a new customer's email is that create's own earlier attempt (its
 * answer was lost to a timeout, or the process died before recording it), so the create finishes it
 * instead of making another or refusing its own customer.
 */
import { codedError } from '../../../schema/errors.ts';
import type { CrmWriteAdapter, CustomerField, CustomerFields } from '../../shared/write-adapter.ts';
import { changedValues } from './plan.ts';

const ALL_FIELDS: CustomerField[] = ['firstName', 'lastName', 'company', 'email', 'phone', 'address', 'lifecycleStage'];

/**
 * The create's own: the contact is not yet linked to both the ERP and the shop (a finished customer
 * is), and it holds exactly what this create writes. Anything else is another customer's (or was
 * changed since), and the create is refused rather than adopting it. An unlinked contact imported with
 * exactly these values is indistinguishable from an unfinished create, and is taken as one.
 */
export async function isUnfinishedCreate(crm: CrmWriteAdapter, contactId: string, desired: CustomerFields): Promise<boolean> {
  const contact = await crm.readContact(contactId);
  if (!contact || (contact.links.erpPartnerId && contact.links.shopCustomerId)) return false;
  return Object.keys(changedValues(contact.record.values, await crm.project(desired, ALL_FIELDS))).length === 0;
}

/** The CONFLICT a create gets for an email that belongs to another customer. */
export const emailTaken = () => codedError('CONFLICT', 'Field "input.email" already belongs to another customer.', { field: 'input.email' });
