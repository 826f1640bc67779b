/**
 * Unsigned base-128 varints (protobuf and Kafka record encoding) for non-negative safe integers,
 * shared by intake's hand-written encoders. Division instead of bit shifts keeps values above 2^31 exact.
 */

/** Bytes the varint of `n` takes. */
export function uvarintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size += 1;
  }
  return size;
}

/** Writes the varint of `n` at `at`; returns the offset after it. */
export function writeUvarint(buf: Buffer, at: number, n: number): number {
  while (n >= 128) {
    buf[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[at++] = n;
  return at;
}
