import type { FieldViolation } from '@imei/errors';
import { almatyDayNumber, normaliseMsisdn, normaliseObservedImei, validateImsi, validateObservedAt } from '@imei/imei-rules';
import { RadioAccessTechnology, type ObservationInput } from '@imei/contracts';

/** What intake needs to judge one observation: who reported it and when we are. */
export interface ObservationContext {
  /** Authenticated operator of the call (never a field of the record). */
  readonly operatorId: string;
  /** Injected clock, epoch ms. */
  readonly now: number;
  /** Tolerated operator clock skew into the future, ms. */
  readonly maxSkewMs: number;
}

/** An observation that passed validation, normalised, ready for de-duplication and publishing. */
export interface NormalisedObservation {
  readonly imei14: string;
  readonly imeiRaw: string;
  readonly malformed: boolean;
  readonly checkDigitInvalid: boolean;
  readonly imsi: string;
  /** Canonical E.164 with '+'. */
  readonly msisdn: string;
  readonly operatorId: string;
  readonly seenAtMs: number;
  /** Asia/Almaty calendar day of `seenAtMs` (design §4: the de-duplication day). */
  readonly day: number;
  readonly rat: RadioAccessTechnology;
}

export type ObservationVerdict =
  | { readonly ok: true; readonly observation: NormalisedObservation }
  | { readonly ok: false; readonly violation: FieldViolation };

const knownRats = new Set<number>(
  Object.values(RadioAccessTechnology).filter((v): v is number => typeof v === 'number' && v >= 0),
);

function violation(index: number, field: string, value: string, description: string): ObservationVerdict {
  return { ok: false, violation: { index, field: `observations.${field}`, value, description } };
}

/**
 * Validates and normalises one network observation (design §2): the IMEI is never a reason to refuse
 * (malformed or bad check digit is flagged); IMSI, MSISDN, seen-at and RAT must be usable. The first
 * problem found is reported with the record's `row` when the caller numbered it, else its `position`
 * in the call. Violations carry IMSI/MSISDN values: personal
 * data, returned to the operator that sent them but never logged.
 */
export function intakeObservation(input: ObservationInput, position: number, context: ObservationContext): ObservationVerdict {
  const index = input.row > 0 ? input.row : position;
  const imsi = validateImsi(input.imsi);
  if (!imsi.ok) return violation(index, 'imsi', imsi.value, imsi.message);
  const msisdn = normaliseMsisdn(input.msisdn);
  if (!msisdn.ok) return violation(index, 'msisdn', msisdn.value, msisdn.message);
  if (input.seenAt === undefined) return violation(index, 'seen_at', '', 'seen_at is missing: every observation needs the time it was seen.');
  const seenAt = validateObservedAt(input.seenAt, context.now, context.maxSkewMs);
  if (!seenAt.ok) return violation(index, 'seen_at', seenAt.value, seenAt.message);
  if (!knownRats.has(input.rat)) {
    return violation(index, 'rat', String(input.rat), `RAT ${input.rat} is not a known radio access technology (0-4).`);
  }
  const imei = normaliseObservedImei(input.imei);
  return {
    ok: true,
    observation: {
      imei14: imei.imei14,
      imeiRaw: input.imei,
      malformed: imei.malformed,
      checkDigitInvalid: imei.checkDigitInvalid,
      imsi: imsi.imsi,
      msisdn: msisdn.msisdn,
      operatorId: context.operatorId,
      seenAtMs: seenAt.epochMs,
      day: almatyDayNumber(seenAt.epochMs),
      rat: input.rat,
    },
  };
}
