import fc from 'fast-check';
import { ALMATY_TIME_ZONE, addDays, almatyDate, almatyDayNumber, dayNumberOfDate, startOfAlmatyDay } from './index';

const HOUR_MS = 3_600_000;
const intlDate = new Intl.DateTimeFormat('en-CA', { timeZone: ALMATY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The Almaty date of an instant as Intl says, independent of the library's cache and arithmetic. */
function intlAlmatyDate(epochMs: number): string {
  const part = (type: string) => intlDate.formatToParts(epochMs).find((p) => p.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const instant = (from: string, to: string) => fc.integer({ min: Date.parse(from), max: Date.parse(to) });

function expectAgreesWithIntl(epochMs: number): void {
  const date = intlAlmatyDate(epochMs);
  expect(almatyDate(epochMs)).toBe(date);
  expect(almatyDayNumber(epochMs)).toBe(dayNumberOfDate(date));
}

describe('Almaty dates', () => {
  it('agree with Intl for random instants across 2020-2030', () => {
    fc.assert(fc.property(instant('2020-01-01T00:00:00Z', '2030-12-31T23:59:59Z'), expectAgreesWithIntl), { numRuns: 10_000 });
  });

  it('agree with Intl across the daylight-saving years 1981-2004 and local mean time before 1924', () => {
    fc.assert(fc.property(instant('1900-01-01T00:00:00Z', '2005-01-01T00:00:00Z'), expectAgreesWithIntl), { numRuns: 5_000 });
  });

  it('agree with Intl on every minute of the hour in which local mean time ended (1924, not on the hour)', () => {
    const hourStart = Date.parse('1924-05-01T18:00:00Z');
    for (let ms = hourStart; ms < hourStart + HOUR_MS; ms += 60_000) expectAgreesWithIntl(ms);
    expectAgreesWithIntl(hourStart + HOUR_MS - 1);
  });

  it('follow the move from UTC+6 to UTC+5 on 2024-03-01 00:00 local: 2024-02-29 lasts 25 hours', () => {
    expect(almatyDate(Date.parse('2024-02-29T17:59:59.999Z'))).toBe('2024-02-29'); // 23:59:59.999 +06
    expect(almatyDate(Date.parse('2024-02-29T18:00:00.000Z'))).toBe('2024-02-29'); // 23:00 +05 again
    expect(almatyDate(Date.parse('2024-02-29T18:59:59.999Z'))).toBe('2024-02-29');
    expect(almatyDate(Date.parse('2024-02-29T19:00:00.000Z'))).toBe('2024-03-01');
    expect(startOfAlmatyDay('2024-03-01') - startOfAlmatyDay('2024-02-29')).toBe(25 * HOUR_MS);
    for (let ms = Date.parse('2024-02-25T00:00:00Z'); ms < Date.parse('2024-03-05T00:00:00Z'); ms += HOUR_MS) {
      expectAgreesWithIntl(ms - 1);
      expectAgreesWithIntl(ms);
    }
  });

  it('stay right when two hours share a cache slot', () => {
    const early = Date.parse('1990-07-01T17:30:00Z'); // 00:30 next day at UTC+7 (summer time)
    const late = early + 4096 * HOUR_MS * 200; // same slot of the 4096-slot hour cache, 2083
    for (let i = 0; i < 3; i++) {
      expectAgreesWithIntl(early);
      expectAgreesWithIntl(late);
    }
  });

  it('start each day at the earliest instant bearing its date', () => {
    expect(startOfAlmatyDay('2025-08-18')).toBe(Date.parse('2025-08-17T19:00:00Z'));
    expect(startOfAlmatyDay('2024-02-29')).toBe(Date.parse('2024-02-28T18:00:00Z'));
    expect(startOfAlmatyDay('2024-03-01')).toBe(Date.parse('2024-02-29T19:00:00Z'));
    fc.assert(
      fc.property(instant('1970-01-01T00:00:00Z', '2040-01-01T00:00:00Z'), (epochMs) => {
        const date = almatyDate(epochMs);
        const start = startOfAlmatyDay(date);
        expect(start).toBeLessThanOrEqual(epochMs);
        expect(almatyDate(start)).toBe(date);
        expect(almatyDate(start - 1)).toBe(addDays(date, -1));
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuse what is not an instant, and dates they cannot write', () => {
    expect(() => almatyDayNumber(Number.NaN)).toThrow(RangeError);
    expect(() => almatyDate(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => almatyDayNumber(9e15)).toThrow(RangeError);
    expect(almatyDayNumber(8.64e15)).toBe(100_000_000); // the last instant a Date holds, 275760-09-13 05:00 local
    expect(() => almatyDate(8.64e15)).toThrow(RangeError); // no 'YYYY-MM-DD' beyond year 9999
    expect(() => startOfAlmatyDay('2025-02-30')).toThrow('"2025-02-30"');
  });
});
