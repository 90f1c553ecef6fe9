import type { Random } from './random.ts';

/** One country the dataset's customers live in, with the ways each system writes it. */
export interface Place {
  code: string;
  /** Odoo's res.country id and English name. */
  odooId: number;
  odooName: string;
  /** Free-text spellings found in HubSpot's `country` property. */
  crmSpellings: string[];
  cities: { city: string; region: string | null; zip: () => string }[];
  streets: string[];
  /** A phone number as a person would type it locally, and its E.164 form. */
  phone: (rng: Random) => { local: string; e164: string };
}

const digits = (rng: Random, n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');

export const PLACES: Place[] = [
  {
    code: 'US', odooId: 233, odooName: 'United States',
    crmSpellings: ['United States', 'USA', 'US', 'United States of America'],
    cities: [
      { city: 'San Francisco', region: 'CA', zip: () => '94107' },
      { city: 'New York', region: 'New York', zip: () => '10013' },
      { city: 'Chicago', region: 'IL', zip: () => '60607' },
      { city: 'Boston', region: 'Massachusetts', zip: () => '02116' },
    ],
    streets: ['500 Howard St', '85 Broad St', '1 N Dearborn St', '200 Clarendon St'],
    phone: (rng) => {
      const area = rng.pick(['415', '212', '312', '617']);
      const line = `01${digits(rng, 2)}`;
      return { local: `(${area}) 555-${line}`, e164: `+1${area}555${line}` };
    },
  },
  {
    code: 'DE', odooId: 57, odooName: 'Germany',
    crmSpellings: ['Germany', 'Deutschland', 'DE'],
    cities: [
      { city: 'Berlin', region: null, zip: () => '10115' },
      { city: 'München', region: 'Bayern', zip: () => '80331' },
    ],
    streets: ['Friedrichstraße 68', 'Torstraße 1', 'Marienplatz 8'],
    phone: (rng) => {
      const n = digits(rng, 7);
      return { local: `030 ${n}`, e164: `+4930${n}` };
    },
  },
  {
    code: 'GB', odooId: 231, odooName: 'United Kingdom',
    crmSpellings: ['United Kingdom', 'UK', 'GB'],
    cities: [{ city: 'London', region: null, zip: () => 'EC1A 1BB' }],
    streets: ['221B Baker Street', '10 Downing Street'],
    phone: (rng) => {
      const n = `0${digits(rng, 3)}`;
      return { local: `+44 20 7946 ${n}`, e164: `+44207946${n}` };
    },
  },
  {
    code: 'FR', odooId: 75, odooName: 'France',
    crmSpellings: ['France'],
    cities: [{ city: 'Paris', region: null, zip: () => '75002' }],
    streets: ['12 Rue de la Paix', '5 Avenue Anatole France'],
    phone: (rng) => {
      const n = digits(rng, 2);
      return { local: `01 42 68 53 ${n}`, e164: `+331426853${n}` };
    },
  },
  {
    code: 'JP', odooId: 113, odooName: 'Japan',
    crmSpellings: ['Japan'],
    cities: [{ city: 'Tokyo', region: 'Tokyo', zip: () => '100-0005' }],
    streets: ['1-1 Marunouchi', '2-3 Kasumigaseki'],
    phone: (rng) => {
      const n = digits(rng, 4);
      return { local: `03-3211-${n}`, e164: `+8133211${n}` };
    },
  },
];

export const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken', 'Radia', 'Linus',
  'Margaret', 'Tim', 'Hedy', 'Dennis', 'Sophie', 'Jürgen', 'Amélie', 'Yuki', 'Hiro', 'Chloé'];
export const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson', 'Perlman',
  'Torvalds', 'Hamilton', 'Berners-Lee', 'Lamarr', 'Ritchie', 'Wilson', 'Schmidt', 'Dubois', 'Tanaka', 'Sato', 'Martin'];
export const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella GmbH', 'Hooli', 'Stark Industries', 'Wayne SARL', 'Tyrell KK'];
