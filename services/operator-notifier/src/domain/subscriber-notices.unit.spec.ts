import { dueLead, mergeUses, noticeId } from './subscriber-notices';

const DAY = 86_400_000;
const now = Date.parse('2025-08-01T00:00:00Z');

describe('dueLead', () => {
  it('is the tightest lead the block date lies within, none before the widest or after the date', () => {
    const leads = [14, 3, 1];
    expect(dueLead(now + 20 * DAY, now, leads)).toBeUndefined();
    expect(dueLead(now + 14 * DAY, now, leads)).toBe(14);
    expect(dueLead(now + 10 * DAY, now, leads)).toBe(14);
    expect(dueLead(now + 2 * DAY, now, leads)).toBe(3);
    expect(dueLead(now + 12 * 3_600_000, now, leads)).toBe(1);
    expect(dueLead(now, now, leads)).toBeUndefined();
  });
});

describe('mergeUses', () => {
  it('keeps one latest sighting per operator and subscriber within retention', () => {
    const merged = mergeUses(
      [{ operatorId: 'kcell', msisdn: '1', lastSeenMs: now - 5 * DAY }, { operatorId: 'kcell', msisdn: 'old', lastSeenMs: now - 100 * DAY }],
      [{ operatorId: 'kcell', msisdn: '1', lastSeenMs: now - DAY }, { operatorId: 'beeline', msisdn: '1', lastSeenMs: now - 2 * DAY }],
      now, 90 * DAY,
    );
    expect(merged).toEqual([
      { operatorId: 'kcell', msisdn: '1', lastSeenMs: now - DAY },
      { operatorId: 'beeline', msisdn: '1', lastSeenMs: now - 2 * DAY },
    ]);
  });
});

describe('noticeId', () => {
  it('is deterministic and differs per lead time', () => {
    expect(noticeId('kcell', '7701', '35693803564380', now, 14)).toBe(noticeId('kcell', '7701', '35693803564380', now, 14));
    expect(noticeId('kcell', '7701', '35693803564380', now, 3)).not.toBe(noticeId('kcell', '7701', '35693803564380', now, 14));
  });
});
