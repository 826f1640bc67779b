import { almatyDayNumber, imei14ToNumber, isImeiBody } from '@imei/imei-rules';
import type { ListEntry } from '../domain/list-entry';
import type { KnownImeiCache } from './known-imei-cache';

const EMPTY = -1;
/** Operators get one bit each in order of first sight; beyond 16 an IMEI seen there is not cached. */
const MAX_OPERATORS = 16;

/**
 * Known IMEIs in packed typed arrays (open addressing, linear probing): key = imei14 as a double
 * (exact below 10^14), first seen day, last seen day, operator bit set — 8 + 4 + 4 + 2 = 18 bytes per
 * slot, ~26 bytes per IMEI at the 0.7 load factor. A JavaScript Map stops at 2^24 entries; this grows
 * by doubling up to 2^28 slots (~188 M IMEIs). Malformed keys are not cached (they always read).
 */
export class PackedImeiCache implements KnownImeiCache {
  private keys!: Float64Array;
  private firstDay!: Int32Array;
  private lastDay!: Int32Array;
  private operatorBits!: Uint16Array;
  private mask = 0;
  private count = 0;
  private readonly operatorIndex = new Map<string, number>();

  constructor(initialCapacity = 1 << 16) {
    this.allocate(Math.max(16, 2 ** Math.ceil(Math.log2(initialCapacity))));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the arrays. */
  get bytes(): number {
    return this.keys.byteLength + this.firstDay.byteLength + this.lastDay.byteLength + this.operatorBits.byteLength;
  }

  nothingNew(imei14: string, seenAtMs: number, operatorId: string): boolean {
    if (!isImeiBody(imei14)) return false;
    const slot = this.find(imei14ToNumber(imei14));
    if (slot < 0) return false;
    const bit = this.operatorIndex.get(operatorId);
    if (bit === undefined || (this.operatorBits[slot]! & (1 << bit)) === 0) return false;
    const day = almatyDayNumber(seenAtMs);
    // Same or earlier day than the last seen, and not before the first seen day (an earlier first seen
    // within that day changes nothing the domain uses, except a back-fill, which is always earlier).
    return day <= this.lastDay[slot]! && day > this.firstDay[slot]!;
  }

  knows(imei14: string): boolean {
    return isImeiBody(imei14) && this.find(imei14ToNumber(imei14)) >= 0;
  }

  remember(entry: ListEntry): void {
    if (!isImeiBody(entry.imei14) || entry.firstSeenMs === null || entry.lastSeenDay === null) return;
    let bits = 0;
    for (const op of entry.operators) {
      let bit = this.operatorIndex.get(op);
      if (bit === undefined) {
        if (this.operatorIndex.size >= MAX_OPERATORS) continue;
        bit = this.operatorIndex.size;
        this.operatorIndex.set(op, bit);
      }
      bits |= 1 << bit;
    }
    this.put(imei14ToNumber(entry.imei14), almatyDayNumber(entry.firstSeenMs), entry.lastSeenDay, bits);
  }

  clear(): void {
    this.keys.fill(EMPTY);
    this.count = 0;
  }

  /** Stores or replaces a key (public for memory benchmarks). */
  put(key: number, firstDay: number, lastDay: number, bits: number): void {
    if ((this.count + 1) * 10 > (this.mask + 1) * 7) this.grow();
    let slot = this.hash(key);
    while (this.keys[slot] !== EMPTY && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
    if (this.keys[slot] === EMPTY) this.count++;
    this.keys[slot] = key;
    this.firstDay[slot] = firstDay;
    this.lastDay[slot] = lastDay;
    this.operatorBits[slot] = bits;
  }

  private find(key: number): number {
    let slot = this.hash(key);
    for (;;) {
      const k = this.keys[slot]!;
      if (k === key) return slot;
      if (k === EMPTY) return -1;
      slot = (slot + 1) & this.mask;
    }
  }

  private hash(key: number): number {
    // Mix the high and low 32 bits of the integer key (exact below 2^53).
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296) >>> 0;
    return (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
  }

  private allocate(capacity: number): void {
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.firstDay = new Int32Array(capacity);
    this.lastDay = new Int32Array(capacity);
    this.operatorBits = new Uint16Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
  }

  private grow(): void {
    const { keys, firstDay, lastDay, operatorBits } = this;
    if (keys.length >= 1 << 28) throw new RangeError('known-IMEI cache is full (2^28 slots)');
    this.allocate(keys.length * 2);
    for (let i = 0; i < keys.length; i++) if (keys[i] !== EMPTY) this.put(keys[i]!, firstDay[i]!, lastDay[i]!, operatorBits[i]!);
  }
}
