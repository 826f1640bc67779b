import { KeyTable } from './key-table';
import type { NormalisedObservation } from './observation-intake';

const scratch = Buffer.alloc(512);

/** Writes `text` (digits from `from`) two digits per byte after a length byte; returns the next offset. */
function packDigits(text: string, from: number, at: number): number {
  const length = text.length - from;
  scratch[at++] = length;
  let i = from;
  for (; i + 1 < text.length; i += 2) scratch[at++] = (text.charCodeAt(i) - 48) * 10 + (text.charCodeAt(i + 1) - 48);
  if (i < text.length) scratch[at++] = text.charCodeAt(i) - 48;
  return at;
}

function isFourteenDigits(text: string): boolean {
  if (text.length !== 14) return false;
  for (let i = 0; i < 14; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The exact de-duplication key of an observation (design §4): Almaty day, operator, IMSI, MSISDN and
 * imei14, packed into a short flat one-byte string (~30 chars) because a million of them stay in
 * memory: digits two per byte behind a length byte (IMSI and MSISDN are validated digit strings), the
 * operator slug behind its length, and imei14 last, packed when it is 14 digits, else verbatim behind
 * a marker. Every field is delimited by its length or comes last, so the key is injective: two
 * observations share a key only when all five fields are equal.
 */
export function deduplicationKey(observation: NormalisedObservation): string {
  const { day, operatorId, imsi, msisdn, imei14 } = observation;
  let at = 0;
  scratch[at++] = (day >>> 16) & 0xff;
  scratch[at++] = (day >>> 8) & 0xff;
  scratch[at++] = day & 0xff;
  scratch[at++] = operatorId.length;
  at += scratch.write(operatorId, at, 'latin1');
  at = packDigits(imsi, 0, at);
  at = packDigits(msisdn, msisdn.charCodeAt(0) === 43 /* + */ ? 1 : 0, at);
  if (isFourteenDigits(imei14)) {
    scratch[at++] = 0;
    at = packDigits(imei14, 0, at);
    return scratch.toString('latin1', 0, at);
  }
  scratch[at++] = 1;
  // A malformed key is verbatim text (any characters): appended as a string, it is the last field.
  return scratch.toString('latin1', 0, at) + imei14;
}

/**
 * Bounded-memory, exact de-duplicator: remembers at most `capacity` keys, in two generations held
 * outside the JavaScript heap (KeyTable: ~56 bytes per key, nothing for the garbage collector to
 * trace). A key is a duplicate only when one of the generations holds that exact key (its bytes are
 * compared whole), so a distinct record is never dropped: no probabilistic filter. When the current
 * generation fills up, the older one is forgotten whole and reused: the price of bounded memory is
 * that a duplicate older than that may pass again, which the design allows. Keys embed their day, so
 * yesterday's keys simply age out.
 */
export class ObservationDeduplicator {
  private current: KeyTable;
  private previous: KeyTable;
  private bytes = Buffer.alloc(256);

  /** @param capacity most keys held at once (default 1,000,000 ≈ 56 MB); at least 2. */
  constructor(readonly capacity = 1_000_000) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity ${capacity} must be an integer ≥ 2`);
    const generationSize = Math.floor(capacity / 2);
    this.current = new KeyTable(generationSize);
    this.previous = new KeyTable(generationSize);
  }

  /** True the first time a key is offered (remember it), false for a duplicate still remembered. */
  firstSighting(key: string): boolean {
    const length = this.encode(key);
    if (this.current.has(this.bytes, length, key) || this.previous.has(this.bytes, length, key)) return false;
    if (this.current.isFull(length)) {
      const emptied = this.previous;
      emptied.clear();
      this.previous = this.current;
      this.current = emptied;
    }
    this.current.add(this.bytes, length, key);
    return true;
  }

  /** Forgets a key whose record could not be published, so that the sender's retry is not dropped. */
  forget(key: string): void {
    const length = this.encode(key);
    this.current.delete(this.bytes, length, key);
    this.previous.delete(this.bytes, length, key);
  }

  /** Keys held now (≤ capacity). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  /**
   * The key's UTF-8 bytes into the scratch buffer; -1 (kept by its text) for a string with a lone
   * surrogate, whose UTF-8 form would not be unique.
   */
  private encode(key: string): number {
    if (!(key as string & { isWellFormed(): boolean }).isWellFormed()) return -1;
    if (key.length * 3 > this.bytes.length) this.bytes = Buffer.alloc(Math.max(key.length * 3, 2 * this.bytes.length));
    return this.bytes.write(key, 0, 'utf8');
  }
}
