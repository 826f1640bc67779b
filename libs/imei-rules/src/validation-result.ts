import { isDigitCode } from './digits';

/**
 * Why an input was refused: the field, the value as received, a stable `code` for programs and a
 * `message` for a person that names the value. Maps onto `DomainError.violation(field, value, message)`
 * at the service edge. For IMSI and MSISDN, `value` and `message` hold personal data: redact before logging.
 */
export interface ValidationFailure<Code extends string> {
  readonly ok: false;
  readonly field: string;
  /** The input as received, clipped to {@link MAX_VALUE_CHARS} chars so a huge input cannot bloat errors. */
  readonly value: string;
  readonly code: Code;
  readonly message: string;
}

/** Either `{ ok: true, ...accepted }` or a {@link ValidationFailure}; narrow on `ok`. */
export type ValidationResult<Accepted extends object, Code extends string> =
  | ({ readonly ok: true } & Readonly<Accepted>)
  | ValidationFailure<Code>;

/** Longest value kept in a failure's `value` and quoted in its `message`. */
export const MAX_VALUE_CHARS = 64;

/** The value clipped to {@link MAX_VALUE_CHARS}, with '…' marking a cut that never splits a surrogate pair. */
export function clipValue(value: string): string {
  if (value.length <= MAX_VALUE_CHARS) return value;
  const lastKept = value.charCodeAt(MAX_VALUE_CHARS - 1);
  const cut = lastKept >= 0xd800 && lastKept <= 0xdbff ? MAX_VALUE_CHARS - 1 : MAX_VALUE_CHARS;
  return `${value.slice(0, cut)}…`;
}

/** The value clipped and quoted as JSON, so spaces and control characters stay visible in a message. */
export function quoteValue(value: string): string {
  return JSON.stringify(clipValue(value));
}

/** Builds a failure; `raw` is clipped into `value`. */
export function refuse<Code extends string>(
  field: string,
  raw: string,
  code: Code,
  message: string,
): ValidationFailure<Code> {
  return { ok: false, field, value: clipValue(raw), code, message };
}

/** The first char of `text` at or after `from` that is not an ASCII digit, whole if it is a surrogate pair. */
export function firstNonDigit(text: string, from = 0): string {
  for (let i = from; i < text.length; i++) {
    if (!isDigitCode(text.charCodeAt(i))) return String.fromCodePoint(text.codePointAt(i) ?? 0);
  }
  return '';
}
