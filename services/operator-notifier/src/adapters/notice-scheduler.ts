import type { AnyBulkWriteOperation, Binary, Collection, Db } from 'mongodb';
import { findByIds } from '@imei/mongo';
import { ListState, type ListChange, type OperatorNotice, type TopicSpec } from '@imei/contracts';
import { encodeValue, outgoingHeaders, type ConsumedRecord, type TopicProducer } from '@imei/kafka';
import { dueLead, noticeId } from '../domain/subscriber-notices';
import type { SubscriberIndexStore } from './subscriber-index-store';

/** Collection `notice_schedule`: `_id` = imei14, its block date while grey (null otherwise), by list version. */
export interface NoticeScheduleDocument {
  _id: string;
  imei: string;
  listVersion: number;
  blockDateMs: number | null;
  reason: number;
}

/** Collection `operator_notices`: `_id` = notice id; remembered so a notice is never published twice. */
export interface OperatorNoticeDocument {
  _id: string;
  operatorId: string;
  value: Binary | Buffer;
  key: string;
  sent: boolean;
}

export interface NoticeSchedulerOptions {
  db: Db;
  producer: TopicProducer;
  index: SubscriberIndexStore;
  /** Topic of an operator's notices (ensured before its first notice). */
  noticesTopicOf: (operatorId: string) => TopicSpec<OperatorNotice>;
  ensureTopic: (spec: TopicSpec<OperatorNotice>) => Promise<void>;
  leadDays: readonly number[];
}

/** Schedule reads in flight per batch. */
const TRACK_READ_CONCURRENCY = 4;

/**
 * Whether a change can set or clear a block date: it is grey, or it leaves grey (or may: its previous
 * state is not stated). A change between white and black, or an IMEI's first version that is not grey,
 * has no block date to keep and none stored to clear: the change that left grey cleared it and was
 * applied before (per-key order), so it needs no store read.
 */
function touchesGrey(change: ListChange): boolean {
  if (change.state === ListState.LIST_STATE_GREY) return true;
  if (change.version === 1) return false;
  return change.previousState !== ListState.LIST_STATE_WHITE && change.previousState !== ListState.LIST_STATE_BLACK;
}

/**
 * Warns subscribers of a grey IMEI whose block date is near: list changes keep each IMEI's block date
 * (version-guarded), and a run at `now` publishes one OperatorNotice per subscriber / IMEI / lead time
 * to that operator's topic. The notice is stored under its deterministic id before it is published and
 * marked sent after, so replays and repeated runs never send it twice.
 */
export class NoticeScheduler {
  readonly schedule: Collection<NoticeScheduleDocument>;
  readonly notices: Collection<OperatorNoticeDocument>;
  private readonly ensured = new Set<string>();

  constructor(private readonly options: NoticeSchedulerOptions) {
    this.schedule = options.db.collection<NoticeScheduleDocument>('notice_schedule');
    this.notices = options.db.collection<OperatorNoticeDocument>('operator_notices');
  }

  /** Keeps the block date of grey IMEIs from their list changes (a change at or below the stored version is ignored). */
  async track(records: readonly ConsumedRecord<ListChange>[]): Promise<void> {
    const latest = new Map<string, ListChange>();
    const greyInBatch = new Set<string>();
    for (const { value } of records) {
      const known = latest.get(value.imei14);
      if (!known || known.version < value.version) latest.set(value.imei14, value);
      if (touchesGrey(value)) greyInBatch.add(value.imei14);
    }
    const changes = [...latest.values()].filter((c) => greyInBatch.has(c.imei14));
    if (changes.length === 0) return;
    // Few reads in flight: the schedule is not urgent, and the block list shares the store.
    const stored = new Map((await findByIds(this.schedule, changes.map((c) => c.imei14), {}, TRACK_READ_CONCURRENCY)).map((d) => [d._id, d]));
    const ops: AnyBulkWriteOperation<NoticeScheduleDocument>[] = [];
    for (const change of changes) {
      const grey = change.state === ListState.LIST_STATE_GREY && change.blockDate !== undefined;
      const doc = stored.get(change.imei14);
      if ((!doc && !grey) || (doc && doc.listVersion >= change.version)) continue;
      const replacement = { imei: change.imei, listVersion: change.version, blockDateMs: grey ? change.blockDate!.getTime() : null, reason: change.reason };
      ops.push({ replaceOne: { filter: { _id: change.imei14 }, replacement, upsert: true } });
    }
    if (ops.length > 0) await this.schedule.bulkWrite(ops, { ordered: false });
  }

  /** Publishes the notices due at `nowMs`; returns how many were published. */
  async run(nowMs: number): Promise<number> {
    const horizon = nowMs + Math.max(...this.options.leadDays) * 86_400_000;
    let published = 0;
    // Notices stored but not acknowledged before a crash go out first.
    for (const pending of await this.notices.find({ sent: false }).toArray()) published += await this.publish(pending);
    const due = this.schedule.find({ blockDateMs: { $gt: nowMs, $lte: horizon } });
    for await (const entry of due) {
      const lead = dueLead(entry.blockDateMs!, nowMs, this.options.leadDays);
      if (lead === undefined) continue;
      for (const use of await this.options.index.uses(entry._id)) {
        const id = noticeId(use.operatorId, use.msisdn, entry._id, entry.blockDateMs!, lead);
        if (await this.notices.findOne({ _id: id }, { projection: { _id: 1 } })) continue;
        const notice: OperatorNotice = {
          noticeId: id, operatorId: use.operatorId, msisdn: use.msisdn, imei: entry.imei,
          blockDate: new Date(entry.blockDateMs!), reason: entry.reason, leadDays: lead,
        };
        const doc: OperatorNoticeDocument = { _id: id, operatorId: use.operatorId, key: use.msisdn, value: encodeValue(this.options.noticesTopicOf(use.operatorId), notice), sent: false };
        await this.notices.insertOne(doc);
        published += await this.publish(doc);
      }
    }
    return published;
  }

  private async publish(doc: OperatorNoticeDocument): Promise<number> {
    const spec = this.options.noticesTopicOf(doc.operatorId);
    if (!this.ensured.has(spec.name)) {
      await this.options.ensureTopic(spec);
      this.ensured.add(spec.name);
    }
    const value = Buffer.isBuffer(doc.value) ? doc.value : Buffer.from(doc.value.buffer);
    await this.options.producer.sendEncoded([{ topic: spec.name, key: doc.key, value, headers: outgoingHeaders(spec.messageType) as Record<string, string> }]);
    await this.notices.updateOne({ _id: doc._id }, { $set: { sent: true } });
    return 1;
  }
}
