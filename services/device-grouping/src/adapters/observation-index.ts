import { Binary, BSON, type Db } from 'mongodb';
import type { Observation } from '@imei/contracts';
import { isImeiBody } from '@imei/imei-rules';
import type { Sighting } from '../domain/clone-suspicion';
import type { GroupingPolicy } from '../domain/grouping-policy';
import type { SubscriberImeis } from '../domain/sibling-inference';
import { SubscriberIndex, type IndexedSighting } from '../domain/subscriber-index';
import type { SubscriberKeys } from './subscriber-keys';

/** The sightings of a segment, column by column. */
interface SegmentColumns {
  imeis: string[];
  imsiKeys: string[];
  msisdnKeys: string[];
  operators: string[];
  atMs: number[];
}

/**
 * Collection `index_segments`: `_id` = time-ordered id → the sightings one batch of observations
 * added to the index, as one BSON `body` of SegmentColumns (FerretDB on SQLite converts every array
 * element to JSON with its type: columns as fields insert ~2x and read 6–10x slower, measured with
 * 5,000-row segments). Insert-only: one write per batch whatever its size; segments past the
 * retention are deleted at load. Segments written before bodies hold the columns as fields.
 */
interface SegmentDocument extends Partial<SegmentColumns> {
  _id: string;
  maxAtMs: number;
  body?: Binary;
}

const columnsOf = (doc: SegmentDocument): SegmentColumns => (doc.body === undefined ? (doc as SegmentColumns) : (BSON.deserialize(doc.body.buffer) as SegmentColumns));

/** Sightings per segment document (a few hundred KB). */
const SEGMENT_ROWS = 10_000;

/** What one batch of observations left in the index, per observed IMEI. */
export interface RecordedImei {
  imei14: string;
  /** Subscribers it was seen with in this batch → last seen (ms). */
  seenWith: Map<string, number>;
  /** Its recent sightings after the batch (clone evidence). */
  sightings: readonly Sighting[];
}

let segmentSequence = 0;

/**
 * The subscriber index sibling inference and clone suspicion need (observations arrive keyed by
 * imei14, inference needs them by subscriber): held in memory ({@link SubscriberIndex}) and persisted
 * as segments of the sightings that changed it, written before the batch's offsets are committed, so
 * a crash loses nothing (the uncommitted batch is replayed; applying it again changes nothing). It is
 * rebuilt from the segments when first needed and after a rebalance. Subscribers are pseudonymised keys.
 */
export class ObservationIndex {
  private memory: SubscriberIndex;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly db: Db,
    private readonly keys: SubscriberKeys,
    private readonly policy: GroupingPolicy,
    /** How long an IMEI–subscriber pair is kept: at least the sibling window. */
    private readonly retentionMs: number,
    private readonly clock: () => number,
  ) {
    this.memory = new SubscriberIndex(policy.maxSightings);
  }

  private get segments() {
    return this.db.collection<SegmentDocument>('index_segments');
  }

  /** Loads the persisted segments once (again after `invalidate`); concurrent callers share it. */
  ready(): Promise<void> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  invalidate(): void {
    this.loading = undefined;
  }

  private async load(): Promise<void> {
    const oldest = this.clock() - this.retentionMs;
    await this.segments.deleteMany({ maxAtMs: { $lt: oldest } });
    const memory = new SubscriberIndex(this.policy.maxSightings);
    for await (const doc of this.segments.find({}).sort({ _id: 1 })) {
      const c = columnsOf(doc);
      memory.apply(c.imeis.map((imei14, i) => ({ imei14, imsiKey: c.imsiKeys[i]!, msisdnKey: c.msisdnKeys[i]!, operatorId: c.operators[i]!, atMs: c.atMs[i]! })), oldest);
    }
    memory.prune(oldest);
    this.memory = memory;
  }

  /** Records a batch; malformed IMEIs are left out (they name no phone to group). */
  async record(observations: readonly Observation[], now: number): Promise<RecordedImei[]> {
    await this.ready();
    const batch: IndexedSighting[] = [];
    const seenWith = new Map<string, Map<string, number>>();
    for (const o of observations) {
      if (o.malformed || !isImeiBody(o.imei14) || o.seenAt === undefined) continue;
      const sighting = { imei14: o.imei14, imsiKey: o.imsi === '' ? '' : this.keys.imsi(o.imsi), msisdnKey: o.msisdn === '' ? '' : this.keys.msisdn(o.msisdn), operatorId: o.operatorId, atMs: o.seenAt.getTime() };
      batch.push(sighting);
      let own = seenWith.get(o.imei14);
      if (own === undefined) seenWith.set(o.imei14, (own = new Map()));
      for (const key of [sighting.imsiKey, sighting.msisdnKey]) if (key !== '') own.set(key, Math.max(own.get(key) ?? 0, sighting.atMs));
    }
    const changes = this.memory.changes(batch);
    for (let i = 0; i < changes.length; i += SEGMENT_ROWS) await this.persist(changes.slice(i, i + SEGMENT_ROWS));
    this.memory.apply(changes, now - this.retentionMs);
    return [...seenWith].map(([imei14, seen]) => ({ imei14, seenWith: seen, sightings: this.memory.sightingsOf(imei14) }));
  }

  private async persist(rows: readonly IndexedSighting[]): Promise<void> {
    segmentSequence = (segmentSequence + 1) % 1_000_000;
    await this.segments.insertOne({
      _id: `${Date.now().toString(36).padStart(9, '0')}-${process.pid}-${String(segmentSequence).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`,
      maxAtMs: rows.reduce((max, r) => Math.max(max, r.atMs), 0),
      body: new Binary(BSON.serialize({
        imeis: rows.map((r) => r.imei14),
        imsiKeys: rows.map((r) => r.imsiKey),
        msisdnKeys: rows.map((r) => r.msisdnKey),
        operators: rows.map((r) => r.operatorId),
        atMs: rows.map((r) => r.atMs),
      } satisfies SegmentColumns)),
    });
  }

  /** The recent subscribers of IMEIs (for inference when they get linked to a device). */
  async subscribersOf(imei14s: readonly string[], now: number): Promise<Map<string, Map<string, number>>> {
    await this.ready();
    const oldest = now - this.retentionMs;
    const found = new Map<string, Map<string, number>>();
    for (const imei14 of imei14s) {
      const subscribers = this.memory.subscribersOf(imei14, oldest);
      if (subscribers.size > 0) found.set(imei14, subscribers);
    }
    return found;
  }

  /** What the index holds for these subscribers (call after `ready`). */
  subscriberImeis(keys: Iterable<string>, now: number): Map<string, SubscriberImeis> {
    const oldest = now - this.retentionMs;
    return new Map([...keys].map((key) => [key, this.memory.imeisOf(key, oldest)] as const));
  }
}
