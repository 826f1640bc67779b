import { CODE_0, isDigits } from './digits';
import { IMEI_BODY_LENGTH, luhnDigitValueAt } from './luhn';
import { firstNonDigit, quoteValue, refuse, type ValidationResult } from './validation-result';

/** Why an application's IMEI was refused. */
export type ApplicationImeiRefusal = 'empty' | 'length' | 'non-digit' | 'check-digit' | 'imeisv';

/** An accepted application IMEI: the registry key and the full 15-digit IMEI. */
export interface ApplicationImei {
  readonly imei14: string;
  readonly imei: string;
}

const FIELD = 'imei';
const DIAL_HINT = 'dial *#06# on the phone to see its 15-digit IMEI';

/**
 * Strict validation of an IMEI typed into an application (design §2). Surrounding spaces are trimmed;
 * a 15-digit IMEI must carry its correct Luhn digit; a 14-digit body is accepted and completed with its
 * check digit; a 16-digit IMEISV, other lengths and non-digits are refused with a message naming the value.
 */
export function validateApplicationImei(raw: string): ValidationResult<ApplicationImei, ApplicationImeiRefusal> {
  const imei = raw.trim();
  const quoted = quoteValue(imei);
  if (imei.length === 0) {
    return refuse(FIELD, raw, 'empty', `The IMEI is empty: ${DIAL_HINT}.`);
  }
  if (!isDigits(imei)) {
    const bad = JSON.stringify(firstNonDigit(imei));
    return refuse(FIELD, raw, 'non-digit', `IMEI ${quoted} contains ${bad}, but an IMEI has only digits 0-9: ${DIAL_HINT}.`);
  }
  if (imei.length === 16) {
    return refuse(
      FIELD,
      raw,
      'imeisv',
      `${quoted} has 16 digits, so it is an IMEISV (IMEI with software version), not an IMEI: ` +
        `enter the 15-digit IMEI shown by dialling *#06# on the phone.`,
    );
  }
  if (imei.length !== 15 && imei.length !== IMEI_BODY_LENGTH) {
    return refuse(FIELD, raw, 'length', `IMEI ${quoted} has ${imei.length} digits, but an IMEI has 15: ${DIAL_HINT}.`);
  }
  const checkDigit = luhnDigitValueAt(imei, 0);
  if (imei.length === IMEI_BODY_LENGTH) {
    return { ok: true, imei14: imei, imei: imei + checkDigit };
  }
  if (imei.charCodeAt(IMEI_BODY_LENGTH) - CODE_0 !== checkDigit) {
    return refuse(
      FIELD,
      raw,
      'check-digit',
      `IMEI ${quoted} is not a valid IMEI: its last digit (the check digit) does not match the first 14 ` +
        `digits, so one of the digits is probably mistyped; ${DIAL_HINT}.`,
    );
  }
  return { ok: true, imei14: imei.slice(0, IMEI_BODY_LENGTH), imei };
}
