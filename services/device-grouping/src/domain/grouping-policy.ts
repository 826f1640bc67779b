/** Largest number of IMEIs one device carries (design §1: 1–4). */
export const MAX_IMEIS_PER_DEVICE = 4;

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Tunable grouping rules. Defaults are conservative: a false sibling only asks an owner to confirm,
 * but a false clone suspicion refuses a legitimate owner's simplified application.
 */
export interface GroupingPolicy {
  /**
   * Two IMEIs seen with the same subscriber (IMSI or MSISDN) at most this far apart may be siblings.
   * Default 30 days (the grace period: a SIM moved between the slots of one phone within it).
   */
  siblingWindowMs: number;
  /** SIM slots assumed when TAC data does not know the model. Default 2 (most multi-SIM phones are dual-SIM). */
  defaultSlots: number;
  /**
   * Clone suspicion: at least `cloneMinImsis` distinct IMSIs on one imei14 within `cloneWindowMs`, on at
   * least `cloneMinOperators` operators. Defaults 3 IMSIs, 6 hours, 2 operators. Observations arrive
   * de-duplicated per day (their time is the day's first sighting), so "at the same time" cannot be
   * finer than hours; a phone passed between two family members shows at most 2 IMSIs, a dual-SIM
   * phone one IMSI per IMEI, and a clone needs several networks at once.
   */
  cloneMinImsis: number;
  cloneWindowMs: number;
  cloneMinOperators: number;
  /** Sightings kept per IMEI for clone evidence; default 32. */
  maxSightings: number;
}

export const DEFAULT_GROUPING_POLICY: GroupingPolicy = {
  siblingWindowMs: 30 * DAY_MS,
  defaultSlots: 2,
  cloneMinImsis: 3,
  cloneWindowMs: 6 * HOUR_MS,
  cloneMinOperators: 2,
  maxSightings: 32,
};
