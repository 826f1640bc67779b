import { almatyOffsetMs } from './almaty-offset';
import { dateOfDayNumber, dayNumberOfDate } from './calendar-date';
import { isInstant } from './instant';

const DAY_MS = 86_400_000;
/** Almaty's offset stays within ±15 h of UTC (it was never beyond +8), so a day starts in this window. */
const SEARCH_WINDOW_MS = 15 * 3_600_000;

function assertInstant(epochMs: number): void {
  if (!isInstant(epochMs)) throw new RangeError(`epoch ms ${epochMs} is not an instant a Date can hold`);
}

/**
 * The Almaty calendar day of an instant as an integer: days since 1970-01-01 counted in Asia/Almaty local
 * time (design §4: de-duplication keys). Hot path: the UTC offset is cached per UTC hour, so this is
 * arithmetic after the first call in an hour. It follows the tz database, including 2024-03-01, when
 * Almaty moved from UTC+6 to UTC+5 (that leaves 2024-02-29 25 hours long).
 * @throws RangeError when `epochMs` is not finite or beyond the Date range (±8.64e15).
 */
export function almatyDayNumber(epochMs: number): number {
  assertInstant(epochMs);
  return Math.floor((epochMs + almatyOffsetMs(epochMs)) / DAY_MS);
}

/** The Almaty calendar date 'YYYY-MM-DD' of an instant. @throws RangeError when not an instant. */
export function almatyDate(epochMs: number): string {
  return dateOfDayNumber(almatyDayNumber(epochMs));
}

/**
 * The first instant (epoch ms) of an Almaty calendar day: the earliest instant whose Almaty date is
 * `date`. Usually local midnight; it is found by bisection rather than `midnight - offset`, so it stays
 * right should a clock change ever skip or repeat midnight. Not for hot paths (about 27 offset look-ups).
 * @throws RangeError naming the value when `date` is not a calendar date 'YYYY-MM-DD'.
 */
export function startOfAlmatyDay(date: string): number {
  const day = dayNumberOfDate(date);
  let before = day * DAY_MS - SEARCH_WINDOW_MS; // Almaty date still the day before
  let atOrAfter = day * DAY_MS + SEARCH_WINDOW_MS; // Almaty date already `date`
  while (atOrAfter - before > 1) {
    const middle = Math.floor((before + atOrAfter) / 2);
    if (almatyDayNumber(middle) >= day) atOrAfter = middle;
    else before = middle;
  }
  return atOrAfter;
}
