import { CODE_0 } from './digits';
import { isImeiBody } from './imei-key';

/** Keys encode below 10^14 < 2^53, so every 14-digit body is an exact integer in a double. */
const IMEI_NUMBER_LIMIT = 1e14;

/**
 * A well-formed registry key as a number (leading zeros vanish: '01234567890123' → 1234567890123), for
 * packed typed-array caches (Float64Array). Malformed keys have no number: keep them in a separate map.
 * @throws RangeError when `imei14` is not 14 digits.
 */
export function imei14ToNumber(imei14: string): number {
  if (!isImeiBody(imei14)) throw new RangeError(`${JSON.stringify(imei14)} is not a 14-digit IMEI key`);
  let value = 0;
  for (let i = 0; i < imei14.length; i++) value = value * 10 + (imei14.charCodeAt(i) - CODE_0);
  return value;
}

/**
 * The registry key of a number from {@link imei14ToNumber}, zero-padded to 14 digits.
 * @throws RangeError when `value` is not an integer in [0, 10^14).
 */
export function numberToImei14(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value >= IMEI_NUMBER_LIMIT) {
    throw new RangeError(`${value} is not an encoded IMEI key (an integer from 0 to 10^14 - 1)`);
  }
  return String(value).padStart(14, '0');
}
