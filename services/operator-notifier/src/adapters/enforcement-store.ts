import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { Observation } from '@imei/contracts';
import type { ConsumedRecord } from '@imei/kafka';
import type { BlockListRecord } from '../domain/block-list-projection';
import { enforcementReport, isSightingAfterBlock, type EnforcementPolicy, type EnforcementReport } from '../domain/enforcement-report';

/**
 * Collection `enforcement_sightings`: `_id` = `<operatorId>:<imei14>`, the latest observation of a
 * blocked IMEI on that operator's network made after its block. Only blocked IMEIs seen after their
 * block are kept, so it stays the size of the problem, not of the traffic.
 */
export interface SightingDocument {
  _id: string;
  operatorId: string;
  imei14: string;
  lastSeenMs: number;
}

/** The current block-list records of IMEIs (absent when not blocked or never known). */
export type BlockLookup = (imei14s: readonly string[]) => Promise<Map<string, BlockListRecord | null>>;

/**
 * Sightings of blocked IMEIs per operator, from the same observations as the subscriber index, and
 * the enforcement report built from them against the current block list. Writes are commutative
 * (`$max` of the time seen), so replays and any order of observations are safe.
 *
 * A sighting is remembered when the block-list projection already holds the block as the observation
 * is processed. Live, the projection trails list-state by about a second, far less than any grace;
 * when the notifier's store is rebuilt from the beginning of both topics, observations processed
 * before the projection caught up with their block are not counted.
 */
export class EnforcementStore {
  readonly collection: Collection<SightingDocument>;

  constructor(db: Db, private readonly blocks: BlockLookup) {
    this.collection = db.collection<SightingDocument>('enforcement_sightings');
  }

  /** Applies a batch of observations: one block-list `_id` read per IMEI, one upsert per new sighting. */
  async record(records: readonly ConsumedRecord<Observation>[]): Promise<number> {
    const latest = new Map<string, { operatorId: string; imei14: string; seenMs: number }>();
    for (const { value: o } of records) {
      if (!o.imei14 || !o.operatorId || !o.seenAt) continue;
      const key = `${o.operatorId}:${o.imei14}`;
      const seenMs = o.seenAt.getTime();
      const known = latest.get(key);
      if (!known || known.seenMs < seenMs) latest.set(key, { operatorId: o.operatorId, imei14: o.imei14, seenMs });
    }
    if (latest.size === 0) return 0;
    const blocks = await this.blocks([...new Set([...latest.values()].map((s) => s.imei14))]);
    const ops: AnyBulkWriteOperation<SightingDocument>[] = [];
    for (const [id, s] of latest) {
      if (!isSightingAfterBlock(blocks.get(s.imei14), s.seenMs)) continue;
      ops.push({ updateOne: { filter: { _id: id }, update: { $max: { lastSeenMs: s.seenMs }, $setOnInsert: { operatorId: s.operatorId, imei14: s.imei14 } }, upsert: true } });
    }
    if (ops.length > 0) await this.collection.bulkWrite(ops, { ordered: false });
    return ops.length;
  }

  /** The operator's enforcement report at `nowMs` (its sightings judged against the current block list). */
  async report(operatorId: string, nowMs: number, policy: EnforcementPolicy, limit: number): Promise<EnforcementReport> {
    const filter = policy.seenSinceMs === undefined ? { operatorId } : { operatorId, lastSeenMs: { $gte: policy.seenSinceMs } };
    const sightings = await this.collection.find(filter, { projection: { _id: 0, operatorId: 1, imei14: 1, lastSeenMs: 1 } }).toArray();
    const blocks = await this.blocks([...new Set(sightings.map((s) => s.imei14))]);
    return enforcementReport(sightings, blocks, nowMs, policy, limit);
  }
}
