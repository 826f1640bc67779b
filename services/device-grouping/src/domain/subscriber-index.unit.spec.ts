import { SubscriberIndex, type IndexedSighting } from './subscriber-index';

const A = '35693803564380';
const B = '35693803564398';
const HOUR = 3_600_000;
const seen = (imei14: string, atMs: number, imsiKey = 'i:sub-1', msisdnKey = '', operatorId = 'kcell'): IndexedSighting => ({ imei14, imsiKey, msisdnKey, operatorId, atMs });

describe('subscriber index', () => {
  it('keeps both directions with the latest time, and only what changes it needs persisting', () => {
    const index = new SubscriberIndex(32);
    const first = [seen(A, 10 * HOUR, 'i:sub-1', 'm:sub-1'), seen(B, 12 * HOUR)];
    expect(index.changes(first)).toEqual(first);
    index.apply(first, 0);
    expect(index.imeisOf('i:sub-1', 0)).toEqual(new Map([[A, 10 * HOUR], [B, 12 * HOUR]]));
    expect(index.subscribersOf(A, 0)).toEqual(new Map([['i:sub-1', 10 * HOUR], ['m:sub-1', 10 * HOUR]]));
    // The same sightings again (a replayed batch) change nothing.
    expect(index.changes(first)).toEqual([]);
    index.apply(first, 0);
    expect(index.sightingsOf(A)).toHaveLength(1);
    const later = seen(A, 20 * HOUR);
    expect(index.changes([later])).toEqual([later]);
    index.apply([later], 0);
    expect(index.imeisOf('i:sub-1', 0).get(A)).toBe(20 * HOUR);
  });

  it('leaves out what is older than the retention, and forgets it on prune', () => {
    const index = new SubscriberIndex(32);
    index.apply([seen(A, HOUR), seen(B, 30 * HOUR)], 0);
    expect([...index.imeisOf('i:sub-1', 10 * HOUR).keys()]).toEqual([B]);
    index.prune(10 * HOUR);
    expect(index.size).toEqual({ subscribers: 1, imeis: 1 });
    expect(index.sightingsOf(A)).toEqual([]);
  });

  it('keeps at most maxSightings per IMEI, the most recent; an older one then changes nothing', () => {
    const index = new SubscriberIndex(2);
    index.apply([seen(A, 3 * HOUR, 'i:a'), seen(A, 4 * HOUR, 'i:b'), seen(A, 5 * HOUR, 'i:c')], 0);
    expect(index.sightingsOf(A).map((s) => s.imsi)).toEqual(['i:b', 'i:c']);
    expect(index.changes([seen(A, HOUR, 'i:b')])).toEqual([]);
  });
});
