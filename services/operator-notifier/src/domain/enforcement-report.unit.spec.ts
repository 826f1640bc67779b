import type { BlockListRecord } from './block-list-projection';
import { enforcementReport, isSightingAfterBlock, isUnenforced } from './enforcement-report';

const HOUR = 3_600_000;
const blockedAt = Date.parse('2025-08-18T00:00:00Z');
const now = blockedAt + 72 * HOUR;
const grace = { graceMs: 24 * HOUR };
const block = (imei14: string, at = blockedAt): BlockListRecord => ({ imei14, imei: `${imei14}0`, reason: 10, blockedAtMs: at, listVersion: 3 });

describe('isSightingAfterBlock', () => {
  it('remembers only observations of a blocked IMEI made after its block', () => {
    expect(isSightingAfterBlock(block('a'), blockedAt + 1)).toBe(true);
    expect(isSightingAfterBlock(block('a'), blockedAt)).toBe(false);
    expect(isSightingAfterBlock(null, blockedAt + HOUR)).toBe(false);
    expect(isSightingAfterBlock(undefined, blockedAt + HOUR)).toBe(false);
  });
});

describe('isUnenforced', () => {
  it('tolerates sightings within the grace and counts those after it', () => {
    expect(isUnenforced(block('a'), blockedAt + 23 * HOUR, now, grace)).toBe(false);
    expect(isUnenforced(block('a'), blockedAt + 24 * HOUR, now, grace)).toBe(false);
    expect(isUnenforced(block('a'), blockedAt + 25 * HOUR, now, grace)).toBe(true);
    expect(isUnenforced(block('a'), blockedAt + 25 * HOUR, now, { graceMs: 48 * HOUR })).toBe(false);
  });

  it('does not count an IMEI that is no longer blocked, or a sighting of an earlier block', () => {
    expect(isUnenforced(null, blockedAt + 30 * HOUR, now, grace)).toBe(false);
    const reblocked = block('a', blockedAt + 40 * HOUR);
    expect(isUnenforced(reblocked, blockedAt + 30 * HOUR, now + 48 * HOUR, grace)).toBe(false);
  });

  it('does not let a future-dated sighting cut the grace short', () => {
    expect(isUnenforced(block('a'), blockedAt + 30 * HOUR, blockedAt + 2 * HOUR, grace)).toBe(false);
  });

  it('counts only sightings in the reporting period', () => {
    expect(isUnenforced(block('a'), blockedAt + 30 * HOUR, now, { ...grace, seenSinceMs: blockedAt + 31 * HOUR })).toBe(false);
    expect(isUnenforced(block('a'), blockedAt + 30 * HOUR, now, { ...grace, seenSinceMs: blockedAt + 30 * HOUR })).toBe(true);
  });
});

describe('enforcementReport', () => {
  it('lists the unenforced blocks most recently seen first, counts all, returns up to the limit', () => {
    const blocks = new Map<string, BlockListRecord | null>([['a', block('a')], ['b', block('b')], ['c', null], ['d', block('d')]]);
    const sightings = [
      { operatorId: 'kcell', imei14: 'a', lastSeenMs: blockedAt + 30 * HOUR },
      { operatorId: 'kcell', imei14: 'b', lastSeenMs: blockedAt + 50 * HOUR },
      { operatorId: 'kcell', imei14: 'c', lastSeenMs: blockedAt + 50 * HOUR },
      { operatorId: 'kcell', imei14: 'd', lastSeenMs: blockedAt + 2 * HOUR },
      { operatorId: 'kcell', imei14: 'e', lastSeenMs: blockedAt + 50 * HOUR },
    ];
    const report = enforcementReport(sightings, blocks, now, grace, 10);
    expect(report.count).toBe(2);
    expect(report.entries.map((e) => [e.block.imei14, e.lastSeenMs])).toEqual([['b', blockedAt + 50 * HOUR], ['a', blockedAt + 30 * HOUR]]);
    const limited = enforcementReport(sightings, blocks, now, grace, 1);
    expect(limited).toMatchObject({ count: 2, entries: [{ block: { imei14: 'b' } }] });
  });
});
