import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { Observation } from '@imei/contracts';
import type { ConsumedRecord } from '@imei/kafka';
import { mergeUses, type SubscriberUse } from '../domain/subscriber-notices';

/** Collection `subscriber_index`: `_id` = imei14, who used it on which operator recently (retention-bounded). */
export interface SubscriberIndexDocument {
  _id: string;
  uses: SubscriberUse[];
}

/**
 * The notifier's own index of recent subscribers per IMEI, from `imei.observations.v1`. Writes are
 * commutative (latest sighting wins per operator and MSISDN), so replays and any order are safe.
 * MSISDNs are personal data: they are stored for the notices and never logged.
 */
export class SubscriberIndexStore {
  readonly collection: Collection<SubscriberIndexDocument>;

  constructor(db: Db, private readonly retentionMs: number, private readonly clock: () => number) {
    this.collection = db.collection<SubscriberIndexDocument>('subscriber_index');
  }

  async uses(imei14: string): Promise<SubscriberUse[]> {
    const doc = await this.collection.findOne({ _id: imei14 });
    return doc ? mergeUses(doc.uses, [], this.clock(), this.retentionMs) : [];
  }

  /** Applies a batch of observations: one `_id` read and one write per IMEI. */
  async record(records: readonly ConsumedRecord<Observation>[]): Promise<void> {
    const now = this.clock();
    const seen = new Map<string, SubscriberUse[]>();
    for (const { value: o } of records) {
      if (!o.imei14 || !o.msisdn || !o.operatorId) continue;
      const uses = seen.get(o.imei14) ?? [];
      uses.push({ operatorId: o.operatorId, msisdn: o.msisdn, lastSeenMs: o.seenAt?.getTime() ?? 0 });
      seen.set(o.imei14, uses);
    }
    const ops: AnyBulkWriteOperation<SubscriberIndexDocument>[] = [];
    await Promise.all([...seen].map(async ([imei14, fresh]) => {
      const doc = await this.collection.findOne({ _id: imei14 });
      const uses = mergeUses(doc?.uses ?? [], fresh, now, this.retentionMs);
      ops.push({ replaceOne: { filter: { _id: imei14 }, replacement: { uses }, upsert: true } });
    }));
    if (ops.length > 0) await this.collection.bulkWrite(ops, { ordered: false });
  }
}
