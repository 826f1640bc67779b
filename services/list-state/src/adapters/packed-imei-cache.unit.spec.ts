import { startOfAlmatyDay, almatyDayNumber } from '@imei/imei-rules';
import { unknownEntry } from '../domain/list-entry';
import { rangeOwner } from './co-partition-assigner';
import { PackedImeiCache } from './packed-imei-cache';

const at = (date: string, hour = 12): number => startOfAlmatyDay(date) + hour * 3_600_000;

describe('packed known-IMEI cache', () => {
  const entry = { ...unknownEntry('35693803564380', false), version: 1, firstSeenMs: at('2025-06-01'), lastSeenDay: almatyDayNumber(at('2025-06-05')), operators: ['kcell'] };

  it('answers nothing new only for a known IMEI, known operator, between first and last seen day', () => {
    const cache = new PackedImeiCache(16);
    expect(cache.nothingNew(entry.imei14, at('2025-06-03'), 'kcell')).toBe(false);
    cache.remember(entry);
    expect(cache.nothingNew(entry.imei14, at('2025-06-03'), 'kcell')).toBe(true);
    expect(cache.nothingNew(entry.imei14, at('2025-06-05', 23), 'kcell')).toBe(true);
    expect(cache.nothingNew(entry.imei14, at('2025-06-06'), 'kcell')).toBe(false);
    expect(cache.nothingNew(entry.imei14, at('2025-06-01'), 'kcell')).toBe(false);
    expect(cache.nothingNew(entry.imei14, at('2025-05-01'), 'kcell')).toBe(false);
    expect(cache.nothingNew(entry.imei14, at('2025-06-03'), 'beeline')).toBe(false);
    expect(cache.nothingNew('ABC', at('2025-06-03'), 'kcell')).toBe(false);
    cache.clear();
    expect(cache.nothingNew(entry.imei14, at('2025-06-03'), 'kcell')).toBe(false);
  });

  it('grows past its initial capacity and keeps every key', () => {
    const cache = new PackedImeiCache(16);
    for (let i = 0; i < 50_000; i++) cache.put(35693803000000 + i * 7, 1, 2, 1);
    expect(cache.size).toBe(50_000);
    cache.put(35693803000000, 1, 3, 1);
    expect(cache.size).toBe(50_000);
    expect(cache.bytes).toBe(131072 * 18); // 50,000 keys exceed 0.7 of 65,536 slots
  });
});

describe('co-partitioning range owner', () => {
  it('gives partition i of every topic to the same member, in contiguous ranges', () => {
    expect([0, 1, 2, 3, 4, 5].map((p) => rangeOwner(p, 6, 1))).toEqual([0, 0, 0, 0, 0, 0]);
    expect([0, 1, 2, 3, 4, 5].map((p) => rangeOwner(p, 6, 2))).toEqual([0, 0, 0, 1, 1, 1]);
    expect([0, 1, 2, 3, 4, 5].map((p) => rangeOwner(p, 6, 4))).toEqual([0, 0, 1, 1, 2, 3]);
    expect([0, 1, 2].map((p) => rangeOwner(p, 3, 5))).toEqual([0, 1, 2]);
  });
});
