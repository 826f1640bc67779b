import type { ObservationInput } from '@imei/contracts';
import type { ObservationDeduplicator } from './observation-deduplicator';
import { deduplicationKey } from './observation-deduplicator';
import { intakeObservation, type NormalisedObservation, type ObservationContext } from './observation-intake';
import type { ObservationTally } from './observation-tally';

/** An observation to publish, with the key that admitted it (to forget it should publishing fail). */
export interface AdmittedObservation {
  readonly observation: NormalisedObservation;
  readonly deduplicationKey: string;
}

/**
 * Judges a chunk of observations: each is validated, then de-duplicated; accepted ones are appended
 * to `out`, every outcome is counted in `tally`. `firstIndex` is the index of `inputs[0]` within the
 * whole call, so violations name the record as the caller numbered it. A bad record never stops its
 * neighbours.
 */
export function admitObservations(
  inputs: readonly ObservationInput[],
  firstIndex: number,
  context: ObservationContext,
  deduplicator: ObservationDeduplicator,
  tally: ObservationTally,
  out: AdmittedObservation[],
): void {
  for (let i = 0; i < inputs.length; i++) {
    const verdict = intakeObservation(inputs[i]!, firstIndex + i, context);
    if (!verdict.ok) {
      tally.rejected(verdict.violation);
      continue;
    }
    const key = deduplicationKey(verdict.observation);
    if (!deduplicator.firstSighting(key)) {
      tally.duplicate();
      continue;
    }
    tally.accepted(verdict.observation.malformed, verdict.observation.checkDigitInvalid);
    out.push({ observation: verdict.observation, deduplicationKey: key });
  }
}
