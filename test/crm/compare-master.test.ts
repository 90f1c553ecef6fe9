import { describe, expect, it } from 'vitest';
import { formatAddress, masterDifferences } from '../../subgraphs/shared/compare-master.ts';
import type { AddressFields, MasterView } from '../../subgraphs/shared/write-adapter.ts';

const ADDRESS: AddressFields = { line1: '500 Howard St', line2: null, city: 'San Francisco', region: 'CA', postalCode: '94107', country: 'US' };
const CRM: MasterView = {
  firstName: 'Ada', lastName: 'Lovelace', displayName: 'Ada Lovelace', email: 'ada@example.com', phone: '+14155550100', address: ADDRESS,
};
/** The same person as the ERP holds her: one display name, no region. */
const ERP: MasterView = { displayName: 'Ada Lovelace', email: 'ADA@example.com', phone: '+14155550100', address: { ...ADDRESS, region: null, line2: 'Suite 5' } };
/** The same person as the shop holds her: name parts. */
const SHOP: MasterView = { firstName: 'Ada', lastName: 'Lovelace', email: 'Ada@Example.com', phone: '+14155550100', address: ADDRESS };

describe('masterDifferences', () => {
  it('finds none for the same person held in each system’s way', () => {
    expect(masterDifferences(CRM, ERP)).toEqual([]);
    expect(masterDifferences(CRM, SHOP)).toEqual([]);
  });

  it('compares a display name with the CRM’s display name, and name parts part by part', () => {
    expect(masterDifferences(CRM, { ...ERP, displayName: 'Ada King' })).toEqual([{ field: 'name', crmValue: 'Ada Lovelace', sourceValue: 'Ada King' }]);
    expect(masterDifferences(CRM, { ...SHOP, lastName: 'King', firstName: null })).toEqual([
      { field: 'firstName', crmValue: 'Ada', sourceValue: null },
      { field: 'lastName', crmValue: 'Lovelace', sourceValue: 'King' },
    ]);
  });

  it('takes names as written, apart from spacing and Unicode normalization', () => {
    expect(masterDifferences({ ...CRM, firstName: 'Amélie' }, { ...SHOP, firstName: ' Ame\u0301lie ' })).toEqual([]);
    expect(masterDifferences(CRM, { ...ERP, displayName: 'Ada  Lovelace' })).toEqual([]);
    expect(masterDifferences(CRM, { ...SHOP, lastName: 'lovelace' })).toEqual([{ field: 'lastName', crmValue: 'Lovelace', sourceValue: 'lovelace' }]);
  });

  it('compares emails ignoring letter case, and a missing one as a difference', () => {
    expect(masterDifferences(CRM, { ...SHOP, email: 'ada@example.org' })).toEqual([{ field: 'email', crmValue: 'ada@example.com', sourceValue: 'ada@example.org' }]);
    expect(masterDifferences(CRM, { ...SHOP, email: null })).toEqual([{ field: 'email', crmValue: 'ada@example.com', sourceValue: null }]);
  });

  it('compares phones as E.164 strings, and text that is no number as none at all', () => {
    expect(masterDifferences(CRM, { ...ERP, phone: '+14155550199' })).toEqual([{ field: 'phone', crmValue: '+14155550100', sourceValue: '+14155550199' }]);
    expect(masterDifferences(CRM, { ...ERP, phone: null })).toEqual([{ field: 'phone', crmValue: '+14155550100', sourceValue: null }]);
    expect(masterDifferences({ ...CRM, phone: 'ask reception' }, { ...SHOP, phone: null })).toEqual([]);
    expect(masterDifferences({ ...CRM, phone: 'ask reception' }, ERP)).toEqual([{ field: 'phone', crmValue: 'ask reception', sourceValue: '+14155550100' }]);
  });

  it('reports an address as one field, shown as one line on each side', () => {
    expect(masterDifferences(CRM, { ...ERP, address: { ...ERP.address!, line1: '85 Broad St' } })).toEqual([{
      field: 'address', crmValue: '500 Howard St, San Francisco, CA, 94107, US', sourceValue: '85 Broad St, Suite 5, San Francisco, 94107, US',
    }]);
    expect(masterDifferences(CRM, { ...SHOP, address: null })).toEqual([{ field: 'address', crmValue: '500 Howard St, San Francisco, CA, 94107, US', sourceValue: null }]);
  });

  it('compares line2 and region only when both sides have one, and address parts ignoring case and spacing', () => {
    expect(masterDifferences(CRM, { ...SHOP, address: { ...ADDRESS, region: null } })).toEqual([]);
    expect(masterDifferences(CRM, { ...SHOP, address: { ...ADDRESS, region: 'NY' } })).toMatchObject([{ field: 'address' }]);
    expect(masterDifferences({ ...CRM, address: { ...ADDRESS, line2: 'Suite 5' } }, { ...SHOP, address: { ...ADDRESS, line2: 'Suite 6' } })).toMatchObject([{ field: 'address' }]);
    expect(masterDifferences(CRM, { ...SHOP, address: { ...ADDRESS, line1: '500  HOWARD st ', country: 'us' } })).toEqual([]);
    expect(masterDifferences(CRM, { ...SHOP, address: { ...ADDRESS, postalCode: '94108' } })).toMatchObject([{ field: 'address' }]);
  });

  it('leaves out the fields a source does not hold', () => {
    const noNames: MasterView = { email: CRM.email, phone: CRM.phone, address: CRM.address };
    expect(masterDifferences(CRM, noNames)).toEqual([]);
  });
});

describe('formatAddress', () => {
  it('joins the parts that are set, in a fixed order, and is null for no address', () => {
    expect(formatAddress({ ...ADDRESS, line2: 'Suite 5' })).toBe('500 Howard St, Suite 5, San Francisco, CA, 94107, US');
    expect(formatAddress({ line1: null, line2: null, city: ' Berlin ', region: null, postalCode: null, country: 'DE' })).toBe('Berlin, DE');
    expect(formatAddress(null)).toBeNull();
  });
});
