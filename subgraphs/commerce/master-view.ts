/**
 * A shop customer → the master fields as the shop holds them, in canonical form (for reconciliation):
 * empty values are null, the phone E.164 with the address country as the default region (Shopify
 * stores E.164 already), the address the default one with its province code as region and its ISO
 * country code, null when it has no part.
 */
import { toE164 } from '../shared/phone.ts';
import { emptyToNull } from '../shared/text.ts';
import type { AddressFields, MasterView } from '../shared/write-adapter.ts';
import type { ShopifyCustomerWriteNode } from './shopify-types.ts';

export function customerMasterView(node: ShopifyCustomerWriteNode): MasterView {
  const a = node.defaultAddress;
  const address: AddressFields = {
    line1: emptyToNull(a?.address1), line2: emptyToNull(a?.address2), city: emptyToNull(a?.city),
    region: emptyToNull(a?.provinceCode), postalCode: emptyToNull(a?.zip), country: emptyToNull(a?.countryCodeV2),
  };
  return {
    firstName: emptyToNull(node.firstName),
    lastName: emptyToNull(node.lastName),
    email: emptyToNull(node.defaultEmailAddress?.emailAddress),
    phone: toE164(node.defaultPhoneNumber?.phoneNumber, address.country),
    address: Object.values(address).some((v) => v !== null) ? address : null,
  };
}
