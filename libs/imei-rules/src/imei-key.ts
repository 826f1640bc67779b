import { CODE_0, allDigitsBetween } from './digits';
import { IMEI_BODY_LENGTH, luhnDigitValueAt } from './luhn';

/** Length of the Type Allocation Code that starts every IMEI (manufacturer and model). */
export const TAC_LENGTH = 8;

/** True when a registry key is a well-formed 14-digit IMEI body rather than a malformed key. */
export function isImeiBody(imei14: string): boolean {
  return imei14.length === IMEI_BODY_LENGTH && allDigitsBetween(imei14, 0, IMEI_BODY_LENGTH);
}

/**
 * The 15-digit display form of a registry key: `imei14` + its Luhn digit. A malformed key (not 14 digits)
 * is returned unchanged, since it has no check digit and must still be shown as it was observed.
 */
export function canonicalImei(imei14: string): string {
  if (!isImeiBody(imei14)) return imei14;
  return imei14 + String.fromCharCode(CODE_0 + luhnDigitValueAt(imei14, 0));
}

/**
 * The TAC (first 8 digits) of a well-formed key, or `undefined` for a malformed key: the first chars of
 * 'AA' or '22A456789012345' name no model, and grouping phones by them would link unrelated devices.
 */
export function tacOf(imei14: string): string | undefined {
  return isImeiBody(imei14) ? imei14.slice(0, TAC_LENGTH) : undefined;
}
