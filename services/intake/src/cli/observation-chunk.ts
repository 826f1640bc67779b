import { ObservationInput } from '@imei/contracts';
import { uvarintSize, writeUvarint } from '../adapters/varint';

/**
 * Builds `imei.v1.SubmitObservationsRequest` messages byte for byte as the generated codec does
 * (each observation a length-delimited field 1, its fields in number order, defaults omitted),
 * written straight into one reused buffer: a dump streams millions of rows, and an object plus a
 * protobuf writer per row was most of the import tool's CPU and garbage. Values the fast path does
 * not cover (a time before 1970) are encoded by the generated codec.
 */
export class ObservationChunk {
  private buf = Buffer.allocUnsafe(256 * 1024);
  private at = 0;
  /** Observations in the chunk being built. */
  count = 0;

  add(imei: string, imsi: string, msisdn: string, seenAtMs: number, rat: number, row: number): void {
    if (!(seenAtMs >= 0) || !Number.isSafeInteger(seenAtMs) || rat < 0 || !Number.isSafeInteger(row) || row < 0) {
      const bytes = ObservationInput.encode({ imei, imsi, msisdn, seenAt: new Date(seenAtMs), rat, row }).finish();
      this.ensure(6 + bytes.length);
      this.buf[this.at++] = 10;
      this.varint(bytes.length);
      this.buf.set(bytes, this.at);
      this.at += bytes.length;
      this.count += 1;
      return;
    }
    const seconds = Math.trunc(seenAtMs / 1000);
    const nanos = (seenAtMs % 1000) * 1_000_000;
    const timestamp = (seconds !== 0 ? 1 + uvarintSize(seconds) : 0) + (nanos !== 0 ? 1 + uvarintSize(nanos) : 0);
    const imeiBytes = Buffer.byteLength(imei, 'utf8');
    const imsiBytes = Buffer.byteLength(imsi, 'utf8');
    const msisdnBytes = Buffer.byteLength(msisdn, 'utf8');
    const field = (n: number) => (n === 0 ? 0 : 1 + uvarintSize(n) + n);
    const size = field(imeiBytes) + field(imsiBytes) + field(msisdnBytes) + 1 + uvarintSize(timestamp) + timestamp + (rat !== 0 ? 1 + uvarintSize(rat) : 0) + (row !== 0 ? 1 + uvarintSize(row) : 0);
    this.ensure(1 + uvarintSize(size) + size);
    this.buf[this.at++] = 10;
    this.varint(size);
    this.string(10, imei, imeiBytes);
    this.string(18, imsi, imsiBytes);
    this.string(26, msisdn, msisdnBytes);
    this.buf[this.at++] = 34;
    this.varint(timestamp);
    if (seconds !== 0) (this.buf[this.at++] = 8), this.varint(seconds);
    if (nanos !== 0) (this.buf[this.at++] = 16), this.varint(nanos);
    if (rat !== 0) (this.buf[this.at++] = 40), this.varint(rat);
    if (row !== 0) (this.buf[this.at++] = 48), this.varint(row);
    this.count += 1;
  }

  /** The request holding the observations added since the last `take` (a copy), and starts anew. */
  take(): Buffer {
    const request = Buffer.from(this.buf.subarray(0, this.at));
    this.at = 0;
    this.count = 0;
    return request;
  }

  private string(tag: number, text: string, length: number): void {
    if (length === 0) return;
    this.buf[this.at++] = tag;
    this.varint(length);
    this.at += this.buf.write(text, this.at, length, 'utf8');
  }

  private varint(n: number): void {
    this.at = writeUvarint(this.buf, this.at, n);
  }

  private ensure(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }
}
