import { CODE_0, allDigitsBetween } from './digits';

/** Length of the IMEI body that the registry keys on (TAC 8 + serial 6). */
export const IMEI_BODY_LENGTH = 14;

/**
 * Luhn check digit (0–9) of the 14 digits of `text` starting at `from`. The caller guarantees they are
 * digits; taking an offset lets normalisation check untrimmed input without slicing it first.
 */
export function luhnDigitValueAt(text: string, from: number): number {
  let sum = 0;
  for (let i = 0; i < IMEI_BODY_LENGTH; i++) {
    const digit = text.charCodeAt(from + i) - CODE_0;
    if ((i & 1) === 0) {
      sum += digit;
    } else {
      // Every second digit from the left is doubled: the one left of the check digit is doubled.
      const doubled = digit * 2;
      sum += doubled > 9 ? doubled - 9 : doubled;
    }
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * The Luhn check digit that completes a 14-digit IMEI body into the 15-digit IMEI ('0'–'9').
 * @throws RangeError when `body14` is not exactly 14 ASCII digits (a programmer error: normalise or
 *   validate first).
 */
export function luhnCheckDigit(body14: string): string {
  if (body14.length !== IMEI_BODY_LENGTH || !allDigitsBetween(body14, 0, IMEI_BODY_LENGTH)) {
    throw new RangeError(`Luhn check digit needs a 14-digit IMEI body, got ${JSON.stringify(body14)}`);
  }
  return String.fromCharCode(CODE_0 + luhnDigitValueAt(body14, 0));
}
