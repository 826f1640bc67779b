import { isDigitCode } from './digits';
import { quoteValue, refuse, type ValidationResult } from './validation-result';

/** A mobile operator known to the registry: its id (a lower-case slug) and the name people know. */
export interface Operator {
  readonly id: string;
  readonly displayName: string;
}

/** The operators of Kazakhstan at launch (design §2). Services take their allowed set from config. */
export const DEFAULT_OPERATORS: readonly Operator[] = Object.freeze([
  Object.freeze({ id: 'kcell', displayName: 'Kcell' }),
  Object.freeze({ id: 'beeline', displayName: 'Beeline' }),
  Object.freeze({ id: 'tele2-altel', displayName: 'Tele2/Altel' }),
]);

/** The ids of {@link DEFAULT_OPERATORS}. */
export const DEFAULT_OPERATOR_IDS: ReadonlySet<string> = new Set(DEFAULT_OPERATORS.map((operator) => operator.id));

/** Why an operator id was refused. */
export type OperatorIdRefusal = 'empty' | 'format' | 'unknown';

/** An accepted operator id. */
export interface OperatorId {
  readonly operatorId: string;
}

const FIELD = 'operatorId';

/** True for a lower-case slug: `^[a-z0-9]+(-[a-z0-9]+)*$`, scanned without a regex. */
export function isOperatorSlug(id: string): boolean {
  let previousWasHyphen = true; // a slug may not start with '-'
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code === 45 /* - */) {
      if (previousWasHyphen) return false;
      previousWasHyphen = true;
    } else if ((code >= 97 /* a */ && code <= 122 /* z */) || isDigitCode(code)) {
      previousWasHyphen = false;
    } else {
      return false;
    }
  }
  return !previousWasHyphen; // not empty, not ending with '-'
}

/**
 * Validates an operator id: a lower-case slug (`kcell`, `tele2-altel`) that is in `allowed`, the
 * configured set (e.g. {@link DEFAULT_OPERATOR_IDS}). Not trimmed or lower-cased: ids come from
 * configuration and authenticated identities, where any variation is a mistake to surface.
 */
export function validateOperatorId(id: string, allowed: ReadonlySet<string>): ValidationResult<OperatorId, OperatorIdRefusal> {
  if (id.length === 0) return refuse(FIELD, id, 'empty', 'The operator id is empty.');
  if (!isOperatorSlug(id)) {
    const message = `Operator id ${quoteValue(id)} is not a lower-case slug like "kcell" or "tele2-altel" (a-z, 0-9, single hyphens inside).`;
    return refuse(FIELD, id, 'format', message);
  }
  if (!allowed.has(id)) {
    const known = [...allowed].sort().join(', ') || 'none';
    return refuse(FIELD, id, 'unknown', `Operator id ${quoteValue(id)} is not a configured operator (configured: ${known}).`);
  }
  return { ok: true, operatorId: id };
}
