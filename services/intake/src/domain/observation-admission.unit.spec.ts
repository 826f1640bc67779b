import { admitObservations, type AdmittedObservation } from './observation-admission';
import { ObservationDeduplicator } from './observation-deduplicator';
import { ObservationTally } from './observation-tally';

const now = Date.parse('2025-08-01T12:00:00Z');
const context = { operatorId: 'kcell', now, maxSkewMs: 300_000 };
const record = (imei: string, extra: Partial<{ imsi: string; msisdn: string; seenAt: Date | undefined }> = {}) => ({
  imei, imsi: '401011234567890', msisdn: '+77011234567', seenAt: new Date(now - 1000), rat: 3, row: 0, ...extra,
});

describe('admitObservations', () => {
  it('counts accepted, duplicates, flags and rejections exactly; good neighbours of bad records pass', () => {
    const dedup = new ObservationDeduplicator(100);
    const tally = new ObservationTally();
    const out: AdmittedObservation[] = [];
    admitObservations(
      [
        record('490154203237518'),
        record('490154203237518'), // duplicate
        record('4901542032375101'), // IMEISV of the same body: same key, duplicate
        record('490154203237510'), // bad check digit: same imei14 → duplicate, not flagged
        record('356938035643809', { msisdn: '77011234567' }), // new key (MSISDN canonicalised equal) → accepted
        record('35693803564380X'), // 14 digits then junk: same imei14 → duplicate
        record(' 35-69650*31022 '), // malformed, accepted flagged
        record('356938035643801', { imsi: '401011234567891' }), // bad check digit, new key → flagged
        record('490154203237518', { imsi: 'x' }), // rejected
        record('490154203237518', { seenAt: undefined }), // rejected
      ],
      10,
      context,
      dedup,
      tally,
      out,
    );
    expect(tally.counts).toMatchObject({ received: 10, accepted: 4, duplicatesDropped: 4, flaggedMalformed: 1, flaggedCheckDigit: 1, rejected: 2 });
    expect(tally.counts.violations.map((v) => [v.index, v.field])).toEqual([[18, 'observations.imsi'], [19, 'observations.seen_at']]);
    expect(out.map((a) => a.observation.imei14)).toEqual(['49015420323751', '35693803564380', '35-69650*31022', '35693803564380']);
  });

  it('caps the listed violations but counts every rejection', () => {
    const tally = new ObservationTally(2);
    admitObservations([1, 2, 3, 4].map(() => record('490154203237518', { imsi: '' })), 0, context, new ObservationDeduplicator(10), tally, []);
    expect(tally.counts.rejected).toBe(4);
    expect(tally.counts.violations).toHaveLength(2);
  });
});
