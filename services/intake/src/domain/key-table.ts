/** Average bytes reserved per key in a table's arena (a packed de-duplication key is ~30–40 bytes). */
export const ARENA_BYTES_PER_KEY = 48;
/**
 * Longest key kept in the arena (2-byte length prefix); longer ones, and keys given with a negative
 * length (no exact byte form), go to a small on-heap set of their text.
 */
const MAX_ARENA_KEY = 0xffff;
const onHeap = (length: number) => length < 0 || length > MAX_ARENA_KEY;

const EMPTY = 0;
const DELETED = -1;

function hashOf(bytes: Uint8Array, length: number): number {
  let h = 0x811c9dc5 ^ length;
  for (let i = 0; i < length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

/**
 * An exact set of byte-string keys held outside the JavaScript heap, for a bounded number of keys:
 * keys are copied into one arena buffer (length-prefixed), an open-addressing table of arena offsets
 * (load ≤ 0.7) with each key's 32-bit hash finds them, and a lookup compares the whole key, so a key
 * is reported present only when exactly that key was added. Nothing per key is a JavaScript object,
 * so a million keys cost the garbage collector nothing and ~56 bytes each. `clear` empties it for reuse.
 */
export class KeyTable {
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly mask: number;
  private readonly arena: Buffer;
  private used = 0;
  private count = 0;
  /** Slots not empty (keys and deleted keys' tombstones): kept ≤ maxKeys so a probe always ends. */
  private filled = 0;
  /** Keys too long for the arena (a pathological malformed IMEI), exact too. */
  private readonly oversized = new Set<string>();

  constructor(readonly maxKeys: number) {
    let size = 8;
    while (size * 0.7 < maxKeys) size *= 2;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.mask = size - 1;
    this.arena = Buffer.alloc(Math.max(1024, maxKeys * ARENA_BYTES_PER_KEY));
  }

  get size(): number {
    return this.count + this.oversized.size;
  }

  /** Whether `maxKeys` keys are held, or a key of `length` bytes would not fit the arena. */
  isFull(length: number): boolean {
    return this.size >= this.maxKeys || this.filled >= this.maxKeys || (!onHeap(length) && this.used + 2 + length > this.arena.length);
  }

  has(bytes: Uint8Array, length: number, text: string): boolean {
    if (onHeap(length)) return this.oversized.has(text);
    return this.find(bytes, length, hashOf(bytes, length)) >= 0;
  }

  /** Adds a key not present (check with `has` first) to a table that is not full. */
  add(bytes: Uint8Array, length: number, text: string): void {
    if (onHeap(length)) {
      this.oversized.add(text);
      return;
    }
    const hash = hashOf(bytes, length);
    let slot = hash & this.mask;
    while (this.slots[slot]! > EMPTY) slot = (slot + 1) & this.mask;
    if (this.slots[slot] === EMPTY) this.filled += 1;
    const at = this.used;
    this.arena.writeUInt16LE(length, at);
    this.arena.set(bytes.subarray(0, length), at + 2);
    this.used = at + 2 + length;
    this.slots[slot] = at + 1;
    this.hashes[slot] = hash;
    this.count += 1;
  }

  /** Removes a key if present (its arena bytes stay used until `clear`). */
  delete(bytes: Uint8Array, length: number, text: string): void {
    if (onHeap(length)) {
      this.oversized.delete(text);
      return;
    }
    const slot = this.find(bytes, length, hashOf(bytes, length));
    if (slot < 0) return;
    this.slots[slot] = DELETED;
    this.count -= 1;
  }

  clear(): void {
    this.slots.fill(EMPTY);
    this.used = 0;
    this.count = 0;
    this.filled = 0;
    this.oversized.clear();
  }

  private find(bytes: Uint8Array, length: number, hash: number): number {
    const arena = this.arena;
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot]!;
      if (entry === EMPTY) return -1;
      if (entry === DELETED || this.hashes[slot] !== hash) continue;
      const at = entry - 1;
      if (arena[at]! + (arena[at + 1]! << 8) !== length) continue;
      let i = 0;
      while (i < length && arena[at + 2 + i] === bytes[i]) i++;
      if (i === length) return slot;
    }
  }
}
