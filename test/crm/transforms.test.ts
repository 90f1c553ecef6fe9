import { describe, expect, it } from 'vitest';
import { crmMasterView, fromHubSpotContact, toHubSpotLifecycleStage, type HubSpotRecord, type LifecycleStage } from '../../subgraphs/crm/transforms.ts';
import { fixture } from './harness.ts';

const recorded = fixture<{ results: HubSpotRecord[] }>('recorded-batch-read.json').results;
const handwritten = fixture<{ results: HubSpotRecord[] }>('handwritten-edge-cases.json').results;
const contact = (id: string) => fromHubSpotContact([...recorded, ...handwritten].find((r) => r.id === id)!);

describe('fromHubSpotContact on recorded stand-in payloads', () => {
  it('maps every CRM field of a contact to canonical form', () => {
    expect(contact('107')).toEqual({
      id: 'Q3VzdG9tZXI6MTA3',
      name: 'Dennis Sato',
      firstName: 'Dennis',
      lastName: 'Sato',
      company: null,
      email: 'dennis.sato6@example.com',
      phone: '+14155550114',
      phoneExtension: null,
      address: { line1: '500 Howard St', line2: null, city: 'Chicago', region: 'IL', postalCode: '60607', country: 'US', countryText: 'United States of America' },
      birthDate: '1978-01-13',
      lifecycleStage: 'CUSTOMER',
      createdAt: '2025-11-15T01:02:23.000Z',
      updatedAt: '2026-01-05T09:30:51.000Z',
      links: {
        contactId: '107', email: 'dennis.sato6@example.com', erpPartnerId: '16',
        shopCustomerId: 'gid://shopify/Customer/7391006', mastodonAcct: 'dennis6@social.example',
      },
      crmSource: { system: 'CRM', externalId: '107', version: '2026-01-05T09:30:51.000Z', updatedAt: '2026-01-05T09:30:51.000Z', linkedBy: 'STORED_ID' },
    });
  });

  it('reads country names and codes in any spelling as ISO alpha-2', () => {
    expect(['101', '107', '108', '114', '123', '127', '139'].map((id) => contact(id).address?.country))
      .toEqual(['FR', 'US', 'JP', 'DE', 'GB', 'DE', 'GB']);
  });

  it('writes local phone numbers in E.164 using the address country as the default region', () => {
    expect(['101', '108', '114', '123'].map((id) => contact(id).phone)).toEqual(['+33142685353', '+81332110948', '+49300190791', '+442079460782']);
  });

  it('keeps a phone that does not parse as stored', () => {
    expect(contact('162').phone).toBe('ask reception');
  });

  it('names a contact without a person name after its company, else after its email', () => {
    expect(contact('139').name).toBe('Hooli');
    expect(contact('127').name).toBe('contact26');
  });

  it('reads date-only properties before 1970 (negative epoch milliseconds)', () => {
    expect(contact('108').birthDate).toBe('1958-12-28');
    expect(contact('114').birthDate).toBeNull();
  });

  it('maps HubSpot internal lifecycle stages to the enum', () => {
    expect(['123', '162', '114'].map((id) => contact(id).lifecycleStage)).toEqual(['MARKETING_QUALIFIED_LEAD', 'LEAD', 'EVANGELIST']);
  });

  it('leaves links absent that the contact does not store', () => {
    expect(contact('112').links).toEqual({ contactId: '112', email: 'donald.hamilton11@example.com', erpPartnerId: null, shopCustomerId: null, mastodonAcct: 'donald11@social.example' });
  });
});

describe('fromHubSpotContact on hand-written edge cases', () => {
  it('turns empty and blank strings into null and trims the rest', () => {
    const grace = contact('9001');
    expect([grace.firstName, grace.lastName, grace.company, grace.email, grace.name]).toEqual(['Grace', null, null, 'Grace.Hopper@Example.com', 'Grace']);
    expect(grace.links).toEqual({ contactId: '9001', email: 'Grace.Hopper@Example.com', erpPartnerId: null, shopCustomerId: null, mastodonAcct: null });
  });

  it('has no address when every address property is empty', () => {
    expect(contact('9001').address).toBeNull();
  });

  it('parses an international phone without an address country', () => {
    expect(contact('9001').phone).toBe('+442079460958');
  });

  it('reads the epoch milliseconds of 1970 days as dates', () => {
    expect(['9001', '9002', '9003'].map((id) => contact(id).birthDate)).toEqual(['1970-01-01', '1969-12-31', '1970-01-02']);
  });

  it('gives a custom lifecycle stage no enum value, and ignores the letter case of known ones', () => {
    expect(contact('9002').lifecycleStage).toBeNull();
    expect(contact('9003').lifecycleStage).toBe('OPPORTUNITY');
  });

  it('reads an unknown country as null, keeping its text, and the phone as stored', () => {
    const atlantis = contact('9002');
    expect(atlantis.address).toEqual({ line1: '1 Infinite Loop', line2: null, city: 'Poseidonis', region: null, postalCode: null, country: null, countryText: 'Atlantis' });
    expect(atlantis.phone).toBe('555-0100 ext. 12');
    expect(atlantis.phoneExtension).toBeNull();
  });

  it('gives a valid phone with an extension as E.164 and the extension apart', () => {
    const record: HubSpotRecord = { id: '78', properties: { phone: '(415) 555-0100 ext. 12', country: 'United States' }, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' };
    expect(fromHubSpotContact(record)).toMatchObject({ phone: '+14155550100', phoneExtension: '12' });
  });

  it('names a contact with no name, company or email "Customer <contact id>", never empty and never its phone', () => {
    const atlantis = contact('9002');
    expect([atlantis.firstName, atlantis.lastName, atlantis.company, atlantis.email]).toEqual([null, null, null, null]);
    expect(atlantis.name).toBe('Customer 9002');
  });

  it('names a contact whose email has no local part "Customer <contact id>" too', () => {
    const record: HubSpotRecord = { id: '77', properties: { email: '@example.com', firstname: '  ' }, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' };
    expect(fromHubSpotContact(record).name).toBe('Customer 77');
  });

  it('gives the other systems no display name for an unnamed contact, only for a named one', () => {
    expect(crmMasterView(contact('9002')).displayName).toBeNull();
    expect(crmMasterView(contact('139')).displayName).toBe('Hooli');
  });

  it('reads properties HubSpot left out as null', () => {
    const kim = contact('9003');
    expect([kim.firstName, kim.company, kim.address?.line1, kim.address?.country, kim.phone, kim.name]).toEqual([null, null, null, 'DE', '+4930901820', 'kim']);
  });

  it('canonicalizes timestamps but keeps HubSpot\'s marker as read for the version', () => {
    const kim = contact('9003');
    expect([kim.createdAt, kim.updatedAt]).toEqual(['2025-01-01T00:00:00.000Z', '2025-06-30T10:00:00.000Z']);
    expect(kim.crmSource).toEqual({ system: 'CRM', externalId: '9003', version: '2025-06-30T12:00:00+02:00', updatedAt: '2025-06-30T10:00:00.000Z', linkedBy: 'STORED_ID' });
  });
});

describe('toHubSpotLifecycleStage', () => {
  it('gives back the internal value of every stage', () => {
    const stages: LifecycleStage[] = ['SUBSCRIBER', 'LEAD', 'MARKETING_QUALIFIED_LEAD', 'SALES_QUALIFIED_LEAD', 'OPPORTUNITY', 'CUSTOMER', 'EVANGELIST', 'OTHER'];
    expect(stages.map(toHubSpotLifecycleStage)).toEqual(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other']);
  });
});
