/**
 * IMEI registry rules shared by every service (design §2 and §4): IMEI keys and Luhn digits, lenient
 * normalisation of network observations, strict validation of applications and feeds, Almaty calendar
 * dates. Pure: no I/O, no clock, no environment; time is always passed in.
 */
export { isDigits } from './digits';
export { IMEI_BODY_LENGTH, luhnCheckDigit } from './luhn';
export { TAC_LENGTH, canonicalImei, isImeiBody, tacOf } from './imei-key';
export { imei14ToNumber, numberToImei14 } from './imei-number';
export { normaliseObservedImei, type ObservedImei, type ObservedImeiForm } from './normalise-observed-imei';
export { MAX_VALUE_CHARS, type ValidationFailure, type ValidationResult } from './validation-result';
export {
  validateApplicationImei,
  type ApplicationImei,
  type ApplicationImeiRefusal,
} from './validate-application-imei';
export { HOME_MCC, validateImsi, type Imsi, type ImsiRefusal } from './validate-imsi';
export { normaliseMsisdn, type Msisdn, type MsisdnRefusal } from './normalise-msisdn';
export {
  DEFAULT_OPERATORS,
  DEFAULT_OPERATOR_IDS,
  isOperatorSlug,
  validateOperatorId,
  type Operator,
  type OperatorId,
  type OperatorIdRefusal,
} from './operator-id';
export {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  EARLIEST_OBSERVED_AT_MS,
  validateObservedAt,
  type ObservedAt,
  type ObservedAtRefusal,
} from './validate-observed-at';
export { ALMATY_TIME_ZONE } from './almaty-offset';
export { almatyDate, almatyDayNumber, startOfAlmatyDay } from './almaty-date';
export { addDays, dateOfDayNumber, dayNumberOfDate } from './calendar-date';
