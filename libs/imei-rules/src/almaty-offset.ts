import { MAX_EPOCH_MS } from './instant';

/** The registry's time zone (design §4): every calendar date is a date in Almaty. */
export const ALMATY_TIME_ZONE = 'Asia/Almaty';

const HOUR_MS = 3_600_000;
/** Direct-mapped cache of UTC hours: 4096 slots ≈ 170 days of distinct hours; 48 KiB. */
const SLOTS = 4096;
const cachedHour = new Float64Array(SLOTS).fill(Number.NaN);
const cachedOffsetMs = new Int32Array(SLOTS);

let offsetFormat: Intl.DateTimeFormat | undefined;

/**
 * Almaty's UTC offset in ms at `epochMs`, asked of Intl (tz database). Slow (µs): only on a cache miss.
 * Parses the 'longOffset' name: 'GMT', 'GMT+05:00' or, before 1924, local mean time 'GMT+05:07:48'.
 */
export function intlOffsetMs(epochMs: number): number {
  offsetFormat ??= new Intl.DateTimeFormat('en-US', { timeZone: ALMATY_TIME_ZONE, timeZoneName: 'longOffset' });
  const name = offsetFormat.formatToParts(epochMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  if (name.length <= 3) return 0;
  const sign = name.charCodeAt(3) === 45 /* - */ ? -1 : 1;
  const [hours = 0, minutes = 0, seconds = 0] = name.slice(4).split(':').map(Number);
  return sign * ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

/**
 * Almaty's UTC offset in ms at `epochMs` (finite, within the Date range). Hot path: the offset is cached
 * per UTC hour, so a hit is a division, a mask and two typed-array reads. An hour in which the offset
 * changes (only the end of local mean time in 1924 is not on an hour boundary) is never cached.
 */
export function almatyOffsetMs(epochMs: number): number {
  const hour = Math.floor(epochMs / HOUR_MS);
  const slot = hour & (SLOTS - 1);
  if (cachedHour[slot] === hour) return cachedOffsetMs[slot]!;
  const atStart = intlOffsetMs(Math.max(hour * HOUR_MS, -MAX_EPOCH_MS));
  const atEnd = intlOffsetMs(Math.min(hour * HOUR_MS + HOUR_MS - 1, MAX_EPOCH_MS));
  if (atStart !== atEnd) return intlOffsetMs(epochMs);
  cachedHour[slot] = hour;
  cachedOffsetMs[slot] = atStart;
  return atStart;
}
