import fc from 'fast-check';
import { ObservationDeduplicator, deduplicationKey } from './observation-deduplicator';
import type { NormalisedObservation } from './observation-intake';

const base: NormalisedObservation = {
  imei14: '49015420323751', imeiRaw: '490154203237518', malformed: false, checkDigitInvalid: false,
  imsi: '401011234567890', msisdn: '+77011234567', operatorId: 'kcell', seenAtMs: 0, day: 20300, rat: 3,
};

describe('deduplicationKey', () => {
  it('differs when any of day, operator, IMSI, MSISDN or imei14 differs', () => {
    const key = deduplicationKey(base);
    for (const change of [{ day: 20301 }, { operatorId: 'beeline' }, { imsi: '401011234567891' }, { msisdn: '+77011234568' }, { imei14: '49015420323752' }]) {
      expect(deduplicationKey({ ...base, ...change })).not.toBe(key);
    }
    expect(deduplicationKey({ ...base, seenAtMs: 5, rat: 1, imeiRaw: '49015420323751' })).toBe(key);
  });
});

describe('ObservationDeduplicator', () => {
  it('drops a repeat and remembers at most its capacity', () => {
    const dedup = new ObservationDeduplicator(4);
    expect(dedup.firstSighting('a')).toBe(true);
    expect(dedup.firstSighting('a')).toBe(false);
    for (const key of ['b', 'c', 'd', 'e', 'f', 'g']) dedup.firstSighting(key);
    expect(dedup.size).toBeLessThanOrEqual(4);
    expect(dedup.firstSighting('a')).toBe(true); // evicted: a duplicate may pass again, never the reverse
  });

  it('forgets a key whose record could not be published', () => {
    const dedup = new ObservationDeduplicator(10);
    dedup.firstSighting('k');
    dedup.forget('k');
    expect(dedup.firstSighting('k')).toBe(true);
  });

  it('never reports a distinct key as seen, whatever the capacity and sequence (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.array(fc.string({ maxLength: 3 }), { maxLength: 200 }), (capacity, keys) => {
        const dedup = new ObservationDeduplicator(capacity);
        const everSeen = new Set<string>();
        for (const key of keys) {
          const first = dedup.firstSighting(key);
          if (!everSeen.has(key)) expect(first).toBe(true);
          everSeen.add(key);
          expect(dedup.size).toBeLessThanOrEqual(capacity);
        }
      }),
    );
  });

  it('refuses a capacity below 2', () => {
    expect(() => new ObservationDeduplicator(1)).toThrow(RangeError);
  });
});

describe('deduplicationKey packing', () => {
  it('is injective across field boundaries and for malformed keys (property)', () => {
    const digits = (min: number, max: number) => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
    const observation = fc.record({
      day: fc.integer({ min: 0, max: 70_000 }),
      operatorId: fc.constantFrom('kcell', 'beeline', 'tele2-altel'),
      imsi: digits(14, 15),
      msisdn: digits(8, 15).map((d) => `+${d}`),
      imei14: fc.oneof(digits(14, 14), fc.string({ maxLength: 20 })),
    });
    fc.assert(
      fc.property(observation, observation, (a, b) => {
        const same = a.day === b.day && a.operatorId === b.operatorId && a.imsi === b.imsi && a.msisdn === b.msisdn && a.imei14 === b.imei14;
        expect(deduplicationKey({ ...base, ...a }) === deduplicationKey({ ...base, ...b })).toBe(same);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps keys short (bounded memory per remembered key)', () => {
    expect(deduplicationKey(base).length).toBeLessThanOrEqual(40);
  });
});

describe('ObservationDeduplicator exactness at scale', () => {
  it('drops only repeats across generation turns, lone surrogates included', () => {
    const dedup = new ObservationDeduplicator(2000);
    for (let i = 0; i < 5000; i++) expect(dedup.firstSighting(`key-${i}`)).toBe(true);
    expect(dedup.firstSighting('key-4999')).toBe(false);
    expect(dedup.firstSighting('\ud800x')).toBe(true);
    expect(dedup.firstSighting('\udc00x')).toBe(true); // same UTF-8 form (U+FFFD), distinct keys
    expect(dedup.firstSighting('\ud800x')).toBe(false);
    expect(dedup.size).toBeLessThanOrEqual(2000);
  });
});
