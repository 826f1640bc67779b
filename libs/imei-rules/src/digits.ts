/** Char code of '0'; a digit's value is `charCode - CODE_0`. */
export const CODE_0 = 48;

/** True for the char codes of '0'…'9'. One unsigned compare: codes below '0' wrap to huge values. */
export function isDigitCode(code: number): boolean {
  return (code - CODE_0) >>> 0 < 10;
}

/** True when every char of `text` in [from, to) is an ASCII digit (vacuously true for an empty range). */
export function allDigitsBetween(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (!isDigitCode(text.charCodeAt(i))) return false;
  }
  return true;
}

/**
 * True when `text` is non-empty and made only of ASCII digits 0–9 (no sign, space or Unicode digits).
 * The empty string is not digits: every caller means "a number written out", and '' is none.
 */
export function isDigits(text: string): boolean {
  return text.length > 0 && allDigitsBetween(text, 0, text.length);
}
