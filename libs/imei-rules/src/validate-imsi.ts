import { isDigits } from './digits';
import { firstNonDigit, quoteValue, refuse, type ValidationResult } from './validation-result';

/** Mobile Country Code of Kazakhstan: IMSIs starting with it belong to home subscribers. */
export const HOME_MCC = '401';

/** Why an IMSI was refused. */
export type ImsiRefusal = 'empty' | 'length' | 'non-digit';

/** An accepted IMSI with its country. */
export interface Imsi {
  readonly imsi: string;
  /** Mobile Country Code: the first 3 digits. */
  readonly mcc: string;
  /** MCC is 401 (Kazakhstan). Roamers (other MCCs) are accepted too: their phones are observed as well. */
  readonly home: boolean;
}

const FIELD = 'imsi';

/**
 * Validates an IMSI from an operator's feed: surrounding whitespace trimmed, digits only, 14–15 digits.
 * Failures carry the IMSI in `value` and `message`: personal data, redact before logging.
 */
export function validateImsi(raw: string): ValidationResult<Imsi, ImsiRefusal> {
  const imsi = raw.trim();
  if (imsi.length === 0) return refuse(FIELD, raw, 'empty', 'The IMSI is empty: it has 14 or 15 digits.');
  if (!isDigits(imsi)) {
    const bad = JSON.stringify(firstNonDigit(imsi));
    return refuse(FIELD, raw, 'non-digit', `IMSI ${quoteValue(imsi)} contains ${bad}, but an IMSI has only digits 0-9.`);
  }
  if (imsi.length < 14 || imsi.length > 15) {
    return refuse(FIELD, raw, 'length', `IMSI ${quoteValue(imsi)} has ${imsi.length} digits, but an IMSI has 14 or 15.`);
  }
  const mcc = imsi.slice(0, 3);
  return { ok: true, imsi, mcc, home: mcc === HOME_MCC };
}
