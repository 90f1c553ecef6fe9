/**
 * The bench's scenarios, as what a client sends next and how its answer is judged: S1 the unified
 * customer page, S2 one customer's full view over a Zipf-skewed hot set, and S3 S2 with one request in
 * ten an updateCustomer, every read after a write checked against it (stale reads); W (the replicas
 * bench) updateCustomer alone, on distinct customers.
 */
import seedrandom from 'seedrandom';
import { UNIFIED_CUSTOMER_FIELDS } from '../../load/queries.ts';
import type { GraphQLRequest } from '../../load/request.ts';
import { zipfSampler } from './zipf.ts';
import { ReadAfterWrite, type HotCustomer } from './read-after-write.ts';

export type ScenarioName = 'S1' | 'S2' | 'S3' | 'W';

export const PAGE_SIZE = 50;
export const HOT_SET_SIZE = 100;
const WRITE_SHARE = 0.1;

const PAGE = `query CustomerPage { customers(first: ${PAGE_SIZE}) { edges { node { ${UNIFIED_CUSTOMER_FIELDS} } } } }`;
/** S2's document (S3's reads too). */
export const BY_ID = `query CustomerView($id: ID!) { customer(id: $id) { ${UNIFIED_CUSTOMER_FIELDS} } }`;
const UPDATE = `mutation UpdatePhone($id: ID!, $v: String!, $phone: String!) {
  updateCustomer(id: $id, expectedVersion: $v, input: { phone: $phone }) { customer { id version phone } } }`;
/** The hot set: the first customers of the CRM's order, with what S3 needs to write them. */
export const HOT_SET = `query HotSet { customers(first: ${HOT_SET_SIZE}) { edges { node { id version phone } } } }`;

/** One request to send, and what to do with its answer (the parsed body, null when it was not JSON). */
export interface Operation {
  request: GraphQLRequest;
  /** Called with the answer; returns false when the answer broke the scenario's rule (a stale read). */
  settle(body: unknown): boolean;
}

export interface Scenario {
  name: ScenarioName;
  description: string;
  next(): Operation;
}

const always = () => true;

export function pageScenario(): Scenario {
  return { name: 'S1', description: `customers(first: ${PAGE_SIZE}) with account, orders and social profiles`, next: () => ({ request: { query: PAGE }, settle: always }) };
}

export function viewScenario(hot: HotCustomer[], seed = 'S2'): Scenario {
  const pick = zipfSampler(hot.length, seedrandom(seed));
  return {
    name: 'S2',
    description: `customer(id) full view, Zipf (s = 1) over a hot set of ${hot.length}`,
    next: () => ({ request: { query: BY_ID, variables: { id: hot[pick()].id } }, settle: always }),
  };
}

/** S3's state (versions, last written phones) lives in `tracker`, shared by every gateway's passes: they write the same records. */
export function mixedScenario(tracker: ReadAfterWrite, seed = 'S3'): Scenario {
  const random = seedrandom(seed);
  const pick = zipfSampler(tracker.size, random);
  let writes = 0;
  return {
    name: 'S3',
    description: `90% S2, 10% updateCustomer (phone) on the same hot set; each read after a write checked`,
    next: () => {
      const index = pick();
      if (random() < WRITE_SHARE) {
        const write = tracker.beginWrite(index, `+3361${String(3_000_000 + (writes++ % 7_000_000)).padStart(7, '0')}`);
        // A customer with a write in flight is read instead (one write per customer at a time, as a client holding its version would).
        if (write) return { request: { query: UPDATE, variables: { id: write.id, v: write.version, phone: write.phone } }, settle: (body) => { write.settle(body); return true; } };
      }
      const read = tracker.beginRead(index);
      return { request: { query: BY_ID, variables: { id: read.id } }, settle: (body) => read.settle(body) };
    },
  };
}

type WriteAnswer = { data?: { updateCustomer?: { customer?: { version?: string } } | null } | null; errors?: { extensions?: { currentVersion?: string } }[] } | null;

/**
 * W: updateCustomer (a new phone) on distinct customers: each write takes the next of `customers` with no
 * write in flight, with the version its last answer gave (or a VERSION_CONFLICT's currentVersion, when an
 * outbox write moved the record on since). Needs more customers than clients.
 */
export function writeScenario(customers: HotCustomer[]): Scenario {
  const state = customers.map((c) => ({ id: c.id, version: c.version, writing: false }));
  let cursor = 0;
  let writes = 0;
  return {
    name: 'W',
    description: `updateCustomer (phone) on distinct customers, one write in flight per customer, over ${customers.length} customers`,
    next: () => {
      while (state[cursor % state.length].writing) cursor += 1;
      const c = state[cursor++ % state.length];
      c.writing = true;
      const phone = `+3361${String(4_000_000 + (writes++ % 5_000_000)).padStart(7, '0')}`;
      return {
        request: { query: UPDATE, variables: { id: c.id, v: c.version, phone } },
        settle: (body) => {
          c.writing = false;
          const answer = body as WriteAnswer;
          c.version = answer?.data?.updateCustomer?.customer?.version ?? answer?.errors?.[0]?.extensions?.currentVersion ?? c.version;
          return true;
        },
      };
    },
  };
}
