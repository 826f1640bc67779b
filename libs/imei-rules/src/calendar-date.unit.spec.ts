import fc from 'fast-check';
import { addDays, dateOfDayNumber, dayNumberOfDate } from './index';

const DAY_MS = 86_400_000;
/** Day numbers of 0000-01-01 and 9999-12-31. */
const FIRST_DAY = -719_528;
const LAST_DAY = 2_932_896;

describe('calendar dates', () => {
  it('counts days from 1970-01-01', () => {
    expect(dayNumberOfDate('1970-01-01')).toBe(0);
    expect(dayNumberOfDate('0000-01-01')).toBe(FIRST_DAY);
    expect(dayNumberOfDate('9999-12-31')).toBe(LAST_DAY);
    expect(dateOfDayNumber(-1)).toBe('1969-12-31');
  });

  it('agrees with the UTC calendar of Date for every representable day', () => {
    fc.assert(
      fc.property(fc.integer({ min: FIRST_DAY, max: LAST_DAY }), (day) => {
        const date = new Date(day * DAY_MS).toISOString().slice(0, 10);
        expect(dateOfDayNumber(day)).toBe(date);
        expect(dayNumberOfDate(date)).toBe(day);
      }),
      { numRuns: 5000 },
    );
  });

  it('adds days across months, leap days and years', () => {
    expect(addDays('2025-07-26', 30)).toBe('2025-08-25');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-08-18', 0)).toBe('2025-08-18');
  });

  it.each(['2023-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-1-01', '25-01-01', '2025-01-01T00:00', ' 2025-01-01', ''])(
    'refuses %j, naming it',
    (date) => {
      expect(() => dayNumberOfDate(date)).toThrow(RangeError);
      expect(() => dayNumberOfDate(date)).toThrow(JSON.stringify(date));
    },
  );

  it('refuses fractional days and dates outside 0000-9999', () => {
    expect(() => addDays('2025-01-01', 0.5)).toThrow(RangeError);
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
    expect(() => addDays('0000-01-01', -1)).toThrow(RangeError);
  });
});
