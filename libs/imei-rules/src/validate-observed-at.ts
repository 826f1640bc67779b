import { isInstant } from './instant';
import { refuse, type ValidationResult } from './validation-result';

/** Default clock skew tolerated between an operator's clock and ours: 5 minutes. */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * 2000-01-01 00:00 in Almaty (UTC+6 then) = 1999-12-31T18:00:00Z: observations before it cannot be real
 * (a zeroed or broken clock). A constant so importing this module asks Intl nothing; a test pins it to
 * `startOfAlmatyDay('2000-01-01')`.
 */
export const EARLIEST_OBSERVED_AT_MS = 946_663_200_000;

/** Why an observation time was refused. */
export type ObservedAtRefusal = 'invalid' | 'future' | 'too-old';

/** An accepted observation time. */
export interface ObservedAt {
  readonly epochMs: number;
}

const FIELD = 'observedAt';

function describeInstant(at: Date | number): string {
  const epochMs = typeof at === 'number' ? at : at.getTime();
  return isInstant(epochMs) ? new Date(epochMs).toISOString() : String(at);
}

/**
 * Validates when an observation happened against `now` (the injected clock, epoch ms): refused when it
 * lies more than `maxSkewMs` (default 5 min) in the future, before 2000-01-01 (Almaty), or is not a
 * valid instant. Exactly `now + maxSkewMs` is accepted.
 * @throws RangeError when `now` is not an instant (a programmer error, not bad input).
 */
export function validateObservedAt(
  at: Date | number,
  now: number,
  maxSkewMs = DEFAULT_MAX_CLOCK_SKEW_MS,
): ValidationResult<ObservedAt, ObservedAtRefusal> {
  if (!isInstant(now)) throw new RangeError(`now ${now} is not an instant: the injected clock is broken`);
  const epochMs = typeof at === 'number' ? at : at.getTime();
  // Described only when refused: formatting every accepted instant cost intake's hot path.
  if (!isInstant(epochMs)) {
    const value = describeInstant(at);
    return refuse(FIELD, value, 'invalid', `Observation time ${value} is not a valid instant.`);
  }
  if (epochMs > now + maxSkewMs) {
    const value = describeInstant(at);
    const message =
      `Observation time ${value} is ${Math.ceil((epochMs - now) / 1000)} s after now (${describeInstant(now)}); ` +
      `at most ${maxSkewMs / 1000} s of clock skew is allowed.`;
    return refuse(FIELD, value, 'future', message);
  }
  if (epochMs < EARLIEST_OBSERVED_AT_MS) {
    const value = describeInstant(at);
    return refuse(FIELD, value, 'too-old', `Observation time ${value} is before 2000-01-01 (Almaty): the sender's clock is wrong.`);
  }
  return { ok: true, epochMs };
}
