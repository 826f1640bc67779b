import type { NormalisedObservation } from './observation-intake';

/**
 * The exact de-duplication key of an observation (design §4): Almaty day, operator, IMSI, MSISDN and
 * imei14. IMSI and MSISDN are validated digit strings ('+' first for MSISDN), so with imei14 last and
 * '|' between the fields the key is injective even for a malformed imei14 holding '|'.
 */
export function deduplicationKey(observation: NormalisedObservation): string {
  return `${observation.day}|${observation.operatorId}|${observation.imsi}|${observation.msisdn}|${observation.imei14}`;
}

/**
 * Bounded-memory, exact de-duplicator: remembers at most `capacity` keys, in two generations. A key is a
 * duplicate only when one of the generations holds that exact string, so a distinct record is never
 * dropped (no probabilistic filter). When the current generation fills up, the older one is forgotten
 * whole: the price of bounded memory is that a duplicate older than that may pass again, which the
 * design allows. Keys embed their day, so yesterday's keys simply age out.
 */
export class ObservationDeduplicator {
  private current = new Set<string>();
  private previous = new Set<string>();
  private readonly generationSize: number;

  /** @param capacity most keys held at once (default 1,000,000, ≈ 100 MB); at least 2. */
  constructor(readonly capacity = 1_000_000) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity ${capacity} must be an integer ≥ 2`);
    this.generationSize = Math.floor(capacity / 2);
  }

  /** True the first time a key is offered (remember it), false for a duplicate still remembered. */
  firstSighting(key: string): boolean {
    if (this.current.has(key) || this.previous.has(key)) return false;
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Set<string>();
    }
    this.current.add(key);
    return true;
  }

  /** Forgets a key whose record could not be published, so that the sender's retry is not dropped. */
  forget(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }

  /** Keys held now (≤ capacity). */
  get size(): number {
    return this.current.size + this.previous.size;
  }
}
