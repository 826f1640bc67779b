import { assessProgress, mostAdvanced } from './operator-progress';

const DAY = 86_400_000;
const now = Date.parse('2025-08-20T00:00:00Z');

describe('assessProgress', () => {
  it('reports records and seconds behind per partition', () => {
    const a = assessProgress([
      { partition: 0, committed: 10, start: 0, end: 15, oldestUnreadAtMs: now - 90_000 },
      { partition: 1, committed: 7, start: 0, end: 7 },
    ], now, 30 * DAY);
    expect(a.partitions).toEqual([
      { partition: 0, committed: 10, end: 15, lagRecords: 5, lagSeconds: 90, oldestUnreadAtMs: now - 90_000 },
      { partition: 1, committed: 7, end: 7, lagRecords: 0, lagSeconds: 0, oldestUnreadAtMs: undefined },
    ]);
    expect(a.nearTombstoneRetention).toBe(false);
  });

  it('counts a never-committed partition from its first offset', () => {
    expect(assessProgress([{ partition: 0, committed: -1, start: 3, end: 9, oldestUnreadAtMs: now - 1000 }], now, 30 * DAY).partitions[0]).toMatchObject({ lagRecords: 6, lagSeconds: 1 });
  });

  it('flags an operator whose oldest unread record nears the tombstone retention', () => {
    expect(assessProgress([{ partition: 0, committed: 1, start: 0, end: 2, oldestUnreadAtMs: now - 25 * DAY }], now, 30 * DAY).nearTombstoneRetention).toBe(true);
    expect(assessProgress([{ partition: 0, committed: 1, start: 0, end: 2, oldestUnreadAtMs: now - 23 * DAY }], now, 30 * DAY).nearTombstoneRetention).toBe(false);
  });

  it('flags an operator whose committed offset fell below the first offset still on the broker', () => {
    expect(assessProgress([{ partition: 0, committed: 1, start: 5, end: 6, oldestUnreadAtMs: now }], now, 30 * DAY).nearTombstoneRetention).toBe(true);
  });
});

describe('mostAdvanced', () => {
  it('picks the group with the most committed records', () => {
    expect(mostAdvanced([{ id: 'a', committed: [1, -1] }, { id: 'b', committed: [3, 2] }])?.id).toBe('b');
    expect(mostAdvanced([])).toBeUndefined();
  });
});
