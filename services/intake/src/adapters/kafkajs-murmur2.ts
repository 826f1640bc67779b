/**
 * kafkajs 2.2.4's default partitioner hashes keys with a murmur2 written on its BigInt-backed Long
 * type: ~2 µs and a score of objects per record, ~7 % of intake's CPU at volume. This is the same
 * function (Kafka's Java `Utils.murmur2`) in 32-bit integer arithmetic, property-tested to return what
 * kafkajs's returns, so every producer of the mesh still agrees on partitions.
 */
export function murmur2(key: string | Buffer): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  const length = data.length;
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}
