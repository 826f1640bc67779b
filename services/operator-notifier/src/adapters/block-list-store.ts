import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { BlockListEntry } from '@imei/contracts';
import { findByIds } from '@imei/mongo';
import type { BlockListRecord, ProjectedImei } from '../domain/block-list-projection';

/** Collection `block_list`: `_id` = imei14, the last list version applied and the record while blocked. */
export interface BlockListDocument {
  _id: string;
  listVersion: number;
  blocked: BlockListRecord | null;
}

/** A projection to write: the new state and the version it was decided against (undefined: none stored). */
export interface ProjectionWrite {
  next: ProjectedImei;
  previousVersion: number | undefined;
}

/** Another writer stored some of these IMEIs first (a rebalance): re-read and decide again. Retriable. */
export class ProjectionConflictError extends Error {
  readonly retriable = true;
  constructor(readonly ids: readonly string[]) {
    super(`block-list projection changed under us for ${ids.length} IMEI(s): ${ids.slice(0, 5).join(', ')}`);
    this.name = 'ProjectionConflictError';
  }
}

export interface BlockListStoreOptions {
  /** Concurrent `_id` look-ups (FerretDB uses its index only for `_id` equality). Default 32. */
  readConcurrency?: number;
}

/** The BlockListEntry payload of a record. */
export function blockListEntryOf(record: BlockListRecord): BlockListEntry {
  return { imei14: record.imei14, imei: record.imei, reason: record.reason, blockedAt: new Date(record.blockedAtMs), listVersion: record.listVersion };
}

const isDuplicateKey = (e: unknown): boolean => (e as { code?: number }).code === 11000;

/**
 * The block-list projection in Mongo, written in the cheapest shapes the store has: new projections as
 * one unordered `insertMany` (the unique `_id` rejects a second writer), changed ones as version-guarded
 * updates in one `bulkWrite`; reads are concurrent `_id` look-ups.
 */
export class BlockListStore {
  readonly collection: Collection<BlockListDocument>;
  private readonly readConcurrency: number;

  constructor(db: Db, options: BlockListStoreOptions = {}) {
    this.collection = db.collection<BlockListDocument>('block_list');
    this.readConcurrency = options.readConcurrency ?? 32;
  }

  /** Projections by imei14, one `_id` equality query each ($in is a full scan on FerretDB/SQLite); `concurrency` look-ups in flight. */
  async load(imei14s: readonly string[], concurrency = this.readConcurrency): Promise<Map<string, ProjectedImei>> {
    const docs = await findByIds(this.collection, imei14s, {}, concurrency);
    return new Map(docs.map((d) => [d._id, { imei14: d._id, listVersion: d.listVersion, blocked: d.blocked }]));
  }

  /** Every stored projection (one scan: FerretDB reads the whole collection for any other filter anyway). */
  async loadAll(): Promise<Map<string, ProjectedImei>> {
    const all = new Map<string, ProjectedImei>();
    for await (const d of this.collection.find({}, { batchSize: 10_000 })) all.set(d._id, { imei14: d._id, listVersion: d.listVersion, blocked: d.blocked });
    return all;
  }

  /** The current block-list records of IMEIs (null when known and not blocked, absent when never known). */
  async blocks(imei14s: readonly string[], concurrency = this.readConcurrency): Promise<Map<string, BlockListRecord | null>> {
    const loaded = await this.load(imei14s, concurrency);
    return new Map([...loaded].map(([id, p]) => [id, p.blocked]));
  }

  /**
   * Stores new projections. Inserts that hit an existing `_id` are returned (`existing`): the caller
   * decides them again against what is stored. Updates whose stored version moved throw
   * {@link ProjectionConflictError}.
   */
  async write(writes: readonly ProjectionWrite[]): Promise<{ existing: string[] }> {
    const docOf = ({ next }: ProjectionWrite): BlockListDocument => ({ _id: next.imei14, listVersion: next.listVersion, blocked: next.blocked });
    const inserts = writes.filter((w) => w.previousVersion === undefined).map(docOf);
    const updates = writes.filter((w) => w.previousVersion !== undefined);
    const [existing] = await Promise.all([this.insert(inserts), this.update(updates)]);
    return { existing };
  }

  private async insert(docs: BlockListDocument[]): Promise<string[]> {
    if (docs.length === 0) return [];
    try {
      await this.collection.insertMany(docs, { ordered: false });
      return [];
    } catch (error) {
      const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
      const errors = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { code?: number; index: number }[];
      if (errors.length === 0 || !errors.every(isDuplicateKey)) throw error;
      return errors.map((e) => docs[e.index]!._id);
    }
  }

  private async update(writes: ProjectionWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const ops: AnyBulkWriteOperation<BlockListDocument>[] = writes.map(({ next, previousVersion }) => ({
      updateOne: { filter: { _id: next.imei14, listVersion: previousVersion! }, update: { $set: { listVersion: next.listVersion, blocked: next.blocked } } },
    }));
    const result = await this.collection.bulkWrite(ops, { ordered: false });
    if (result.matchedCount !== writes.length) {
      const now = await this.load(writes.map((w) => w.next.imei14));
      const lost = writes.filter((w) => now.get(w.next.imei14)?.listVersion !== w.next.listVersion).map((w) => w.next.imei14);
      if (lost.length > 0) throw new ProjectionConflictError(lost);
    }
  }

  /** Number of IMEIs blocked in the projection (a scan: for tests and tools, not hot paths). */
  blockedCount(): Promise<number> {
    return this.collection.countDocuments({ blocked: { $ne: null } });
  }
}
