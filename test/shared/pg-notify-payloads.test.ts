/** NOTIFY payloads: a long list goes out as several JSON arrays, each under the server's 8000-byte limit, losing nothing. */
import { describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, packPayloads, unpackPayload } from '../../subgraphs/shared/pg-notify/payloads.ts';
import { channelName } from '../../subgraphs/shared/pg-notify/pg-notify.ts';

describe('NOTIFY payloads', () => {
  it('splits a long list into payloads under the limit, in order, each a JSON array', () => {
    const items = Array.from({ length: 2000 }, (_, i) => ({ system: 'CRM', kind: 'contact', id: `${i}-é` }));
    const { payloads, oversize } = packPayloads(items);
    expect(oversize).toEqual([]);
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    expect(payloads.flatMap((p) => unpackPayload(p)!)).toEqual(items);
  });

  it('fills each payload up to the limit exactly, and sets apart an item too large alone', () => {
    const big = 'x'.repeat(MAX_PAYLOAD_BYTES);
    const { payloads, oversize } = packPayloads(['ab', big, 'cd'], 11);
    expect(oversize).toEqual([big]);
    expect(payloads).toEqual(['["ab","cd"]']);
    expect(packPayloads(['ab', 'cd', 'ef'], 11).payloads).toEqual(['["ab","cd"]', '["ef"]']);
  });

  it('reads nothing from a payload that is not a JSON array', () => {
    expect(unpackPayload('{"keys":[]}')).toBeNull();
    expect(unpackPayload('not json')).toBeNull();
    expect(unpackPayload(undefined)).toBeNull();
  });

  it('names one channel per topic and schema path, however the path is quoted', () => {
    expect(channelName('records', 'Sync_A')).toBe(channelName('records', '"sync_a"'));
    expect(channelName('records', 'sync_a, public')).toBe(channelName('records', 'sync_a,public'));
    expect(channelName('records', 'sync_a')).not.toBe(channelName('records', 'sync_b'));
    expect(channelName('records', 'sync_a')).not.toBe(channelName('work', 'sync_a'));
    expect(channelName('records', 'a'.repeat(200)).length).toBeLessThan(64);
  });
});
