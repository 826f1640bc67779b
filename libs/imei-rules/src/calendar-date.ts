/**
 * Calendar dates 'YYYY-MM-DD' (proleptic Gregorian, years 0000–9999) and their day numbers: days since
 * 1970-01-01 in the same calendar. Pure arithmetic (H. Hinnant's civil-day algorithms), no time zone:
 * which zone a date is in is the caller's business (see almaty-date).
 */

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Day number of 0000-03-01, the start of the 400-year era the algorithm counts from. */
const EPOCH_SHIFT = 719_468;
const DAYS_PER_ERA = 146_097;

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Day number of a calendar date 'YYYY-MM-DD'.
 * @throws RangeError naming the value when it is not a real date in that exact form.
 */
export function dayNumberOfDate(date: string): number {
  const match = DATE_PATTERN.exec(date);
  const year = Number(match?.[1]);
  const month = Number(match?.[2]);
  const day = Number(match?.[3]);
  if (!match || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError(`${JSON.stringify(date)} is not a calendar date of the form YYYY-MM-DD`);
  }
  return daysFromCivil(year, month, day);
}

/**
 * Calendar date 'YYYY-MM-DD' of a day number.
 * @throws RangeError when the day is not an integer or falls outside years 0000–9999.
 */
export function dateOfDayNumber(dayNumber: number): string {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`day number ${dayNumber} is not an integer`);
  const shifted = dayNumber + EPOCH_SHIFT;
  const era = Math.floor(shifted / DAYS_PER_ERA);
  const dayOfEra = shifted - era * DAYS_PER_ERA;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthIndex = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthIndex + 2) / 5) + 1;
  const month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) throw new RangeError(`day number ${dayNumber} falls outside years 0000-9999`);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * The calendar date `days` days after `date` (before it when negative): '2025-07-26' + 30 → '2025-08-25'.
 * @throws RangeError for a malformed date, a non-integer `days`, or a result outside years 0000–9999.
 */
export function addDays(date: string, days: number): string {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days ${days} is not an integer`);
  return dateOfDayNumber(dayNumberOfDate(date) + days);
}
