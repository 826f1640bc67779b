import { dateOfDayNumber, dayNumberOfDate, imei14ToNumber, isImeiBody } from '@imei/imei-rules';
import { blackReasons, greyReasons, stateOfReason, whiteReasons, type ListReasonName, type ListStateName } from '../domain/list-entry';

/** What a check answers about a known IMEI. */
export interface CheckView {
  state: ListStateName;
  reason: ListReasonName;
  blockDate: string | null;
  deviceId: string;
}

const EMPTY = -1;
const NO_DEVICE = -1;
const reasons: ListReasonName[] = [...whiteReasons, ...greyReasons, ...blackReasons];
const reasonCode = new Map(reasons.map((r, i) => [r, i]));
/** Largest table: 2^29 slots (~375 M IMEIs at the 0.7 load factor). */
const MAX_SLOTS = 2 ** 29;

/**
 * The checks' read model: every known IMEI's list, reason, block date and device, in packed typed arrays
 * (open addressing, linear probing) keyed by imei14 as a double (exact below 10^14). Per slot: key 8 +
 * reason 1 + block day 2 + device ref 4 + version 4 = 19 bytes; ~27 bytes per IMEI at the 0.7 load
 * factor, up to twice that right after a doubling. A JavaScript Map stops at 2^24 entries; this grows
 * to 2^29 slots. Device ids are kept once per change in a plain array (grouped IMEIs are a minority);
 * malformed keys (not numbers) sit in a small Map. Fed by the list changes, so every instance answers
 * for every IMEI; only newer versions replace older ones (a re-published change is harmless).
 */
export class ListReadModel {
  private keys!: Float64Array;
  private reason!: Uint8Array;
  /** Almaty day number + 1 of the block date; 0 = none. */
  private blockDay!: Uint16Array;
  private device!: Int32Array;
  private version!: Uint32Array;
  private mask = 0;
  private count = 0;
  private readonly deviceIds: string[] = [];
  private readonly malformed = new Map<string, { view: CheckView; version: number }>();

  constructor(initialCapacity = 1 << 16) {
    this.allocate(Math.max(16, 2 ** Math.ceil(Math.log2(initialCapacity))));
  }

  get size(): number {
    return this.count + this.malformed.size;
  }

  /** Bytes held by the typed arrays. */
  get bytes(): number {
    return this.keys.byteLength + this.reason.byteLength + this.blockDay.byteLength + this.device.byteLength + this.version.byteLength;
  }

  /** Records an entry as of `version` (ignored when an equal or newer version is already held). */
  apply(imei14: string, version: number, view: CheckView): void {
    if (!isImeiBody(imei14)) {
      const held = this.malformed.get(imei14);
      if (!held || held.version < version) this.malformed.set(imei14, { view, version });
      return;
    }
    const key = imei14ToNumber(imei14);
    const slot = this.slotFor(key);
    if (this.keys[slot] === key && this.version[slot]! >= version) return;
    const sameDevice = this.keys[slot] === key && this.device[slot]! !== NO_DEVICE && this.deviceIds[this.device[slot]!] === view.deviceId;
    let device = NO_DEVICE;
    if (view.deviceId !== '') device = sameDevice ? this.device[slot]! : this.deviceIds.push(view.deviceId) - 1;
    this.put(slot, key, reasonCode.get(view.reason)!, view.blockDate === null ? 0 : dayNumberOfDate(view.blockDate) + 1, device, version);
  }

  /** The view of a known IMEI, or undefined. */
  get(imei14: string): CheckView | undefined {
    if (!isImeiBody(imei14)) return this.malformed.get(imei14)?.view;
    const slot = this.find(imei14ToNumber(imei14));
    if (slot < 0) return undefined;
    const reason = reasons[this.reason[slot]!]!;
    const day = this.blockDay[slot]!;
    const device = this.device[slot]!;
    return { state: stateOfReason(reason), reason, blockDate: day === 0 ? null : dateOfDayNumber(day - 1), deviceId: device === NO_DEVICE ? '' : this.deviceIds[device]! };
  }

  /** Just the list of a known IMEI (the N5g-eir hot path: no object built). */
  stateOf(imei14: string): ListStateName | undefined {
    if (!isImeiBody(imei14)) return this.malformed.get(imei14)?.view.state;
    const slot = this.find(imei14ToNumber(imei14));
    return slot < 0 ? undefined : stateOfReason(reasons[this.reason[slot]!]!);
  }

  /** Stores a packed record directly (bulk loads and memory benchmarks). */
  putPacked(key: number, reason: number, blockDay: number, version: number): void {
    this.put(this.slotFor(key), key, reason, blockDay, NO_DEVICE, version);
  }

  private slotFor(key: number): number {
    if ((this.count + 1) * 10 > (this.mask + 1) * 7) this.grow();
    let slot = this.hash(key);
    while (this.keys[slot] !== EMPTY && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
    return slot;
  }

  private put(slot: number, key: number, reason: number, blockDay: number, device: number, version: number): void {
    if (this.keys[slot] === EMPTY) this.count++;
    this.keys[slot] = key;
    this.reason[slot] = reason;
    this.blockDay[slot] = blockDay;
    this.device[slot] = device;
    this.version[slot] = version;
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
    const low = key >>> 0;
    const high = Math.floor(key / 4294967296) >>> 0;
    return (Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> 0) & this.mask;
  }

  private allocate(capacity: number): void {
    this.keys = new Float64Array(capacity).fill(EMPTY);
    this.reason = new Uint8Array(capacity);
    this.blockDay = new Uint16Array(capacity);
    this.device = new Int32Array(capacity);
    this.version = new Uint32Array(capacity);
    this.mask = capacity - 1;
    this.count = 0;
  }

  private grow(): void {
    const { keys, reason, blockDay, device, version } = this;
    if (keys.length >= MAX_SLOTS) throw new RangeError(`list read model is full (${MAX_SLOTS} slots)`);
    this.allocate(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      if (keys[i] === EMPTY) continue;
      let slot = this.hash(keys[i]!);
      while (this.keys[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.put(slot, keys[i]!, reason[i]!, blockDay[i]!, device[i]!, version[i]!);
    }
  }
}
