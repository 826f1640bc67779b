import type { AnyBulkWriteOperation, Db } from 'mongodb';
import type { Observation } from '@imei/contracts';
import { isImeiBody } from '@imei/imei-rules';
import { findByIds } from '@imei/mongo';
import { mergeSightings, type Sighting } from '../domain/clone-suspicion';
import type { GroupingPolicy } from '../domain/grouping-policy';
import type { SubscriberImeis } from '../domain/sibling-inference';
import type { SubscriberKeys } from './subscriber-keys';

/** Collection `imei_activity`: `_id` = imei14 → when it was last seen with each subscriber key, and recent sightings. */
interface ActivityDocument {
  _id: string;
  subscribers: Record<string, number>;
  sightings: Sighting[];
}

/** Collection `subscriber_imeis`: `_id` = subscriber key → when each IMEI was last seen with it. */
interface SubscriberDocument {
  _id: string;
  imeis: Record<string, number>;
}

/** What one batch of observations left in the index, per observed IMEI. */
export interface RecordedImei {
  imei14: string;
  /** Subscribers it was seen with in this batch → last seen (ms). */
  seenWith: Map<string, number>;
  /** Its recent sightings after the batch (clone evidence). */
  sightings: Sighting[];
}

/**
 * The index sibling inference and clone suspicion need, keyed by `_id` only: per IMEI its subscribers
 * and sightings, per subscriber its IMEIs (observations arrive keyed by imei14, inference needs them by
 * subscriber). Subscribers are pseudonymised keys; entries older than the retention are dropped.
 */
export class ObservationIndex {
  constructor(
    private readonly db: Db,
    private readonly keys: SubscriberKeys,
    private readonly policy: GroupingPolicy,
    /** How long an IMEI–subscriber pair is kept: at least the sibling window. */
    private readonly retentionMs: number,
  ) {}

  private get activity() {
    return this.db.collection<ActivityDocument>('imei_activity');
  }

  private get subscribers() {
    return this.db.collection<SubscriberDocument>('subscriber_imeis');
  }

  /** Records a batch; malformed IMEIs are left out (they name no phone to group). */
  async record(observations: readonly Observation[], now: number): Promise<{ imeis: RecordedImei[]; index: Map<string, SubscriberImeis> }> {
    const byImei = new Map<string, { seenWith: Map<string, number>; sightings: Sighting[] }>();
    for (const o of observations) {
      if (o.malformed || !isImeiBody(o.imei14) || o.seenAt === undefined) continue;
      const atMs = o.seenAt.getTime();
      let entry = byImei.get(o.imei14);
      if (!entry) byImei.set(o.imei14, (entry = { seenWith: new Map(), sightings: [] }));
      const subscriberKeys: string[] = [];
      if (o.imsi !== '') {
        const imsiKey = this.keys.imsi(o.imsi);
        subscriberKeys.push(imsiKey);
        entry.sightings.push({ imsi: imsiKey, operatorId: o.operatorId, atMs });
      }
      if (o.msisdn !== '') subscriberKeys.push(this.keys.msisdn(o.msisdn));
      for (const key of subscriberKeys) entry.seenWith.set(key, Math.max(entry.seenWith.get(key) ?? 0, atMs));
    }
    if (byImei.size === 0) return { imeis: [], index: new Map() };
    const oldest = now - this.retentionMs;

    const stored = await findByIds(this.activity, byImei.keys());
    const storedById = new Map(stored.map((d) => [d._id, d]));
    const imeis: RecordedImei[] = [];
    const activityWrites: AnyBulkWriteOperation<ActivityDocument>[] = [];
    const subscriberWrites = new Map<string, Record<string, number>>();
    for (const [imei14, entry] of byImei) {
      const previous = storedById.get(imei14);
      const subscribers: Record<string, number> = {};
      for (const [key, at] of Object.entries(previous?.subscribers ?? {})) if (at >= oldest) subscribers[key] = at;
      for (const [key, at] of entry.seenWith) {
        subscribers[key] = Math.max(subscribers[key] ?? 0, at);
        const forSubscriber = subscriberWrites.get(key) ?? {};
        forSubscriber[`imeis.${imei14}`] = at;
        subscriberWrites.set(key, forSubscriber);
      }
      const sightings = mergeSightings((previous?.sightings ?? []).filter((s) => s.atMs >= oldest), entry.sightings, this.policy.maxSightings);
      activityWrites.push({ replaceOne: { filter: { _id: imei14 }, replacement: { subscribers, sightings }, upsert: true } });
      imeis.push({ imei14, seenWith: entry.seenWith, sightings });
    }
    await Promise.all([
      this.activity.bulkWrite(activityWrites, { ordered: false }),
      this.subscribers.bulkWrite(
        [...subscriberWrites].map(([key, fields]) => ({ updateOne: { filter: { _id: key }, update: { $max: fields }, upsert: true } })),
        { ordered: false },
      ),
    ]);
    return { imeis, index: await this.subscriberImeis([...subscriberWrites.keys()], now) };
  }

  /** The recent subscribers of IMEIs (for inference when they get linked to a device). */
  async subscribersOf(imei14s: readonly string[], now: number): Promise<Map<string, Map<string, number>>> {
    if (imei14s.length === 0) return new Map();
    const oldest = now - this.retentionMs;
    const docs = await findByIds(this.activity, imei14s, { projection: { subscribers: 1 } });
    return new Map(docs.map((d) => [d._id, new Map(Object.entries(d.subscribers).filter(([, at]) => at >= oldest))]));
  }

  /** What the index holds for these subscribers; entries past retention are dropped from the store too. */
  async subscriberImeis(keys: readonly string[], now: number): Promise<Map<string, SubscriberImeis>> {
    if (keys.length === 0) return new Map();
    const oldest = now - this.retentionMs;
    const docs = await findByIds(this.subscribers, keys);
    const index = new Map<string, SubscriberImeis>();
    const prune: AnyBulkWriteOperation<SubscriberDocument>[] = [];
    for (const doc of docs) {
      const live = new Map<string, number>();
      const stale: Record<string, ''> = {};
      for (const [imei14, at] of Object.entries(doc.imeis)) {
        if (at >= oldest) live.set(imei14, at);
        else stale[`imeis.${imei14}`] = '';
      }
      index.set(doc._id, live);
      if (Object.keys(stale).length > 0) prune.push({ updateOne: { filter: { _id: doc._id }, update: { $unset: stale } } });
    }
    if (prune.length > 0) await this.subscribers.bulkWrite(prune, { ordered: false });
    return index;
  }
}
