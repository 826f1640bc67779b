import { mergeSightings, type Sighting } from './clone-suspicion';
import type { SubscriberImeis } from './sibling-inference';

/** One observation as the index keeps it: subscribers are pseudonymised keys ('' when absent). */
export interface IndexedSighting {
  imei14: string;
  imsiKey: string;
  msisdnKey: string;
  operatorId: string;
  atMs: number;
}

const EMPTY: ReadonlyMap<string, number> = new Map();

function later(map: Map<string, Map<string, number>>, outer: string, inner: string, atMs: number): void {
  let entries = map.get(outer);
  if (entries === undefined) map.set(outer, (entries = new Map()));
  if ((entries.get(inner) ?? -Infinity) < atMs) entries.set(inner, atMs);
}

function live(entries: ReadonlyMap<string, number> | undefined, oldestMs: number): Map<string, number> {
  const kept = new Map<string, number>();
  for (const [key, atMs] of entries ?? EMPTY) if (atMs >= oldestMs) kept.set(key, atMs);
  return kept;
}

/**
 * The co-occurrence state sibling inference and clone suspicion need, in memory (pure, no I/O): per
 * subscriber the IMEIs seen with it and when last, per IMEI its subscribers and its recent sightings.
 * `changes` tells which sightings would change it, so only those are persisted; applying a sighting
 * twice changes nothing (replays are harmless).
 */
export class SubscriberIndex {
  private readonly bySubscriber = new Map<string, Map<string, number>>();
  private readonly byImei = new Map<string, Map<string, number>>();
  private readonly sightings = new Map<string, Sighting[]>();

  constructor(private readonly maxSightings: number) {}

  get size(): { subscribers: number; imeis: number } {
    return { subscribers: this.bySubscriber.size, imeis: this.byImei.size };
  }

  /** The sightings that add something: a new IMEI–subscriber pair, a later time for one, or a new sighting kept as clone evidence. */
  changes(batch: readonly IndexedSighting[]): IndexedSighting[] {
    return batch.filter((s) => {
      const subscribers = this.byImei.get(s.imei14);
      for (const key of [s.imsiKey, s.msisdnKey]) if (key !== '' && (subscribers?.get(key) ?? -Infinity) < s.atMs) return true;
      if (s.imsiKey === '') return false;
      const kept = this.sightings.get(s.imei14) ?? [];
      if (kept.length >= this.maxSightings && kept[0]!.atMs >= s.atMs) return false;
      return !kept.some((k) => k.atMs === s.atMs && k.imsi === s.imsiKey && k.operatorId === s.operatorId);
    });
  }

  /** Adds sightings; entries of the IMEIs they touch older than `oldestMs` are dropped. */
  apply(batch: readonly IndexedSighting[], oldestMs: number): void {
    const added = new Map<string, Sighting[]>();
    for (const s of batch) {
      for (const key of [s.imsiKey, s.msisdnKey]) {
        if (key === '') continue;
        later(this.byImei, s.imei14, key, s.atMs);
        later(this.bySubscriber, key, s.imei14, s.atMs);
      }
      if (s.imsiKey === '') continue;
      let list = added.get(s.imei14);
      if (list === undefined) added.set(s.imei14, (list = []));
      list.push({ imsi: s.imsiKey, operatorId: s.operatorId, atMs: s.atMs });
    }
    for (const [imei14, list] of added) {
      const kept = (this.sightings.get(imei14) ?? []).filter((k) => k.atMs >= oldestMs);
      this.sightings.set(imei14, mergeSightings(kept, list, this.maxSightings));
    }
  }

  /** IMEIs seen with a subscriber since `oldestMs`. */
  imeisOf(subscriber: string, oldestMs: number): SubscriberImeis {
    return live(this.bySubscriber.get(subscriber), oldestMs);
  }

  /** Subscribers an IMEI was seen with since `oldestMs`. */
  subscribersOf(imei14: string, oldestMs: number): Map<string, number> {
    return live(this.byImei.get(imei14), oldestMs);
  }

  /** Its recent sightings, oldest first. */
  sightingsOf(imei14: string): readonly Sighting[] {
    return this.sightings.get(imei14) ?? [];
  }

  /** Forgets everything seen before `oldestMs` (retention). */
  prune(oldestMs: number): void {
    for (const map of [this.bySubscriber, this.byImei]) {
      for (const [outer, entries] of map) {
        for (const [inner, atMs] of entries) if (atMs < oldestMs) entries.delete(inner);
        if (entries.size === 0) map.delete(outer);
      }
    }
    for (const [imei14, list] of this.sightings) {
      const kept = list.filter((s) => s.atMs >= oldestMs);
      if (kept.length === 0) this.sightings.delete(imei14);
      else if (kept.length < list.length) this.sightings.set(imei14, kept);
    }
  }
}
