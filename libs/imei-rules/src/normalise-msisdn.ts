import { CODE_0 } from './digits';
import { firstNonDigit, quoteValue, refuse, type ValidationResult } from './validation-result';

/** Why an MSISDN was refused. */
export type MsisdnRefusal = 'empty' | 'length' | 'non-digit' | 'leading-zero';

/** An accepted MSISDN in canonical E.164 form. */
export interface Msisdn {
  /** '+' followed by 8–15 digits, the first not 0, e.g. '+77011234567'. */
  readonly msisdn: string;
}

const FIELD = 'msisdn';
const EXAMPLE = 'e.g. +77011234567';

/**
 * Normalises a subscriber number to E.164 '+' form: surrounding whitespace trimmed; a leading '+' or the
 * international prefix '00' is accepted (both become '+'); a bare number is read as already international.
 * Then 8–15 digits whose first is not 0 (no country code starts with 0, so a national trunk '0' is
 * refused rather than guessed). Failures carry the number: personal data, redact before logging.
 */
export function normaliseMsisdn(raw: string): ValidationResult<Msisdn, MsisdnRefusal> {
  const text = raw.trim();
  if (text.length === 0) {
    return refuse(FIELD, raw, 'empty', `The phone number is empty: give it in international form, ${EXAMPLE}.`);
  }
  const from = text.charCodeAt(0) === 43 /* + */ ? 1 : text.startsWith('00') ? 2 : 0;
  const bad = firstNonDigit(text, from);
  if (bad !== '') {
    const message = `Phone number ${quoteValue(text)} contains ${JSON.stringify(bad)}, but only digits 0-9 may follow the leading + (${EXAMPLE}).`;
    return refuse(FIELD, raw, 'non-digit', message);
  }
  const digitCount = text.length - from;
  if (digitCount < 8 || digitCount > 15) {
    const message = `Phone number ${quoteValue(text)} has ${digitCount} digits after the international prefix, but an international number has 8 to 15 (${EXAMPLE}).`;
    return refuse(FIELD, raw, 'length', message);
  }
  if (text.charCodeAt(from) === CODE_0) {
    const message = `Phone number ${quoteValue(text)} starts with 0 where its country code belongs: give it in international form, ${EXAMPLE}.`;
    return refuse(FIELD, raw, 'leading-zero', message);
  }
  return { ok: true, msisdn: from === 1 ? text : `+${text.slice(from)}` };
}
