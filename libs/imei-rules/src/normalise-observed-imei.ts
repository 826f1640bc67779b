import { CODE_0, allDigitsBetween, isDigitCode } from './digits';
import { IMEI_BODY_LENGTH, luhnDigitValueAt } from './luhn';
import { trimmedEnd, trimmedStart } from './whitespace';

/**
 * The shape an observed IMEI arrived in, after trimming: `imei15` 15 digits, `body14` 14 digits,
 * `imeisv16` 16 digits (IMEISV: body + software version), `other` anything else (malformed, or 14 digits
 * followed by non-digits such as '#').
 */
export type ObservedImeiForm = 'imei15' | 'body14' | 'imeisv16' | 'other';

/** A network observation's IMEI reduced to the registry key, with what was odd about it. */
export interface ObservedImei {
  /** Registry key: the first 14 digits, or the trimmed input upper-cased when `malformed`. */
  readonly imei14: string;
  /** The trimmed input does not start with 14 digits (hex, '*', '#', short, empty). */
  readonly malformed: boolean;
  /** Exactly 15 digits whose last is not the Luhn digit (networks often send 0): flag, never reject. */
  readonly checkDigitInvalid: boolean;
  readonly form: ObservedImeiForm;
}

/**
 * Reduces an IMEI as a network reported it to the registry key (design §2). Never throws and never
 * rejects: malformed input becomes its own upper-cased key, because malformed IMEIs are themselves a
 * signal. Hot path (intake, per observation): char-code scans, no regex, and for well-formed input the
 * only allocations are the result and the 14-char key (none when the input already is that key).
 */
export function normaliseObservedImei(raw: string): ObservedImei {
  const start = trimmedStart(raw);
  const end = trimmedEnd(raw, start);
  const length = end - start;
  const bodyEnd = start + IMEI_BODY_LENGTH;
  if (length < IMEI_BODY_LENGTH || !allDigitsBetween(raw, start, bodyEnd)) {
    return { imei14: raw.slice(start, end).toUpperCase(), malformed: true, checkDigitInvalid: false, form: 'other' };
  }
  const imei14 = raw.length === IMEI_BODY_LENGTH ? raw : raw.slice(start, bodyEnd);
  let form: ObservedImeiForm = 'other';
  let checkDigitInvalid = false;
  if (length === IMEI_BODY_LENGTH) {
    form = 'body14';
  } else if (length === 15) {
    const last = raw.charCodeAt(bodyEnd);
    if (isDigitCode(last)) {
      form = 'imei15';
      checkDigitInvalid = last - CODE_0 !== luhnDigitValueAt(raw, start);
    }
  } else if (length === 16 && allDigitsBetween(raw, bodyEnd, end)) {
    form = 'imeisv16';
  }
  return { imei14, malformed: false, checkDigitInvalid, form };
}
