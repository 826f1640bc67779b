import { Observation } from '@imei/contracts';
import type { NormalisedObservation } from '../domain/observation-intake';
import { uvarintSize, writeUvarint } from './varint';

/** The `imei.v1.Observation` payload of a normalised observation. */
export function observationMessage(observation: NormalisedObservation, observationId: string): Observation {
  return {
    imei14: observation.imei14,
    imeiRaw: observation.imeiRaw,
    malformed: observation.malformed,
    checkDigitInvalid: observation.checkDigitInvalid,
    imsi: observation.imsi,
    msisdn: observation.msisdn,
    operatorId: observation.operatorId,
    seenAt: new Date(observation.seenAtMs),
    rat: observation.rat,
    observationId,
  };
}

const SLAB_SIZE = 256 * 1024;
/** Longest payload written into the slab; a longer one (huge malformed IMEI) is encoded on its own. */
const MAX_INLINE = 4096;

/**
 * Encodes `imei.v1.Observation` payloads byte for byte as the generated codec does (fields in number
 * order, defaults omitted), without an intermediate message object or writer per record: each payload
 * is written once into a shared slab and returned as a view of it. Views stay valid for good (a full
 * slab is replaced, never overwritten). Unusual values (a seen-at before 1970) go to the generated codec.
 */
export class ObservationEncoder {
  private slab = Buffer.allocUnsafe(SLAB_SIZE);
  private used = 0;

  encode(observation: NormalisedObservation, observationId: string): Buffer {
    const ms = observation.seenAtMs;
    if (!(ms >= 0) || !Number.isSafeInteger(ms) || observation.rat < 0) return this.generated(observation, observationId);
    const seconds = Math.trunc(ms / 1000);
    const nanos = (ms % 1000) * 1_000_000;
    const timestampSize = (seconds !== 0 ? 1 + uvarintSize(seconds) : 0) + (nanos !== 0 ? 1 + uvarintSize(nanos) : 0);
    const imei14 = Buffer.byteLength(observation.imei14);
    const imeiRaw = Buffer.byteLength(observation.imeiRaw);
    const imsi = Buffer.byteLength(observation.imsi);
    const msisdn = Buffer.byteLength(observation.msisdn);
    const operator = Buffer.byteLength(observation.operatorId);
    const id = Buffer.byteLength(observationId);
    const stringSize = (n: number) => (n === 0 ? 0 : 1 + uvarintSize(n) + n);
    const size =
      stringSize(imei14) + stringSize(imeiRaw) + (observation.malformed ? 2 : 0) + (observation.checkDigitInvalid ? 2 : 0) +
      stringSize(imsi) + stringSize(msisdn) + stringSize(operator) + 1 + uvarintSize(timestampSize) + timestampSize +
      (observation.rat !== 0 ? 1 + uvarintSize(observation.rat) : 0) + stringSize(id);
    if (size > MAX_INLINE) return this.generated(observation, observationId);
    if (this.used + size > this.slab.length) {
      this.slab = Buffer.allocUnsafe(SLAB_SIZE);
      this.used = 0;
    }
    const buf = this.slab;
    const start = this.used;
    let at = start;
    const varint = (n: number) => {
      at = writeUvarint(buf, at, n);
    };
    const string = (tag: number, text: string, length: number) => {
      if (length === 0) return;
      buf[at++] = tag;
      varint(length);
      at += buf.write(text, at, length);
    };
    string(10, observation.imei14, imei14);
    string(18, observation.imeiRaw, imeiRaw);
    if (observation.malformed) (buf[at++] = 24), (buf[at++] = 1);
    if (observation.checkDigitInvalid) (buf[at++] = 32), (buf[at++] = 1);
    string(42, observation.imsi, imsi);
    string(50, observation.msisdn, msisdn);
    string(58, observation.operatorId, operator);
    buf[at++] = 66;
    varint(timestampSize);
    if (seconds !== 0) (buf[at++] = 8), varint(seconds);
    if (nanos !== 0) (buf[at++] = 16), varint(nanos);
    if (observation.rat !== 0) (buf[at++] = 72), varint(observation.rat);
    string(82, observationId, id);
    this.used = at;
    return buf.subarray(start, at);
  }

  private generated(observation: NormalisedObservation, observationId: string): Buffer {
    const bytes = Observation.encode(observationMessage(observation, observationId)).finish();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}
