import type { FieldViolation } from '@imei/errors';

/** Default cap on violations returned in one summary; `rejected` still counts them all. */
export const DEFAULT_MAX_VIOLATIONS = 1000;

/** Counts of one observations call (mirrors `imei.v1.ObservationSummary`). */
export interface ObservationCounts {
  received: number;
  /** Published (flagged ones included). */
  accepted: number;
  duplicatesDropped: number;
  /** Accepted records whose IMEI was malformed. */
  flaggedMalformed: number;
  /** Accepted records whose 15th digit was not the Luhn digit. */
  flaggedCheckDigit: number;
  rejected: number;
  violations: FieldViolation[];
}

/** Running summary of one call; violations beyond the cap are counted, not kept. */
export class ObservationTally {
  readonly counts: ObservationCounts = {
    received: 0,
    accepted: 0,
    duplicatesDropped: 0,
    flaggedMalformed: 0,
    flaggedCheckDigit: 0,
    rejected: 0,
    violations: [],
  };

  constructor(private readonly maxViolations = DEFAULT_MAX_VIOLATIONS) {}

  accepted(malformed: boolean, checkDigitInvalid: boolean): void {
    this.counts.received += 1;
    this.counts.accepted += 1;
    if (malformed) this.counts.flaggedMalformed += 1;
    if (checkDigitInvalid) this.counts.flaggedCheckDigit += 1;
  }

  duplicate(): void {
    this.counts.received += 1;
    this.counts.duplicatesDropped += 1;
  }

  rejected(violation: FieldViolation): void {
    this.counts.received += 1;
    this.counts.rejected += 1;
    if (this.counts.violations.length < this.maxViolations) this.counts.violations.push(violation);
  }
}
