import type { Collection, Db, OptionalUnlessRequiredId } from 'mongodb';
import type { BlockListEntry } from '@imei/contracts';
import { findByIds } from '@imei/mongo';
import type { BlockListRecord, ProjectedImei } from '../domain/block-list-projection';
import { LinkIndex, linkIdOf, type ProjectionLink } from '../domain/projection-chain';

/** Collection `block_list`: `_id` = imei14, an IMEI's base: its first projection, moved forward only by compaction (a guarded update). */
export interface BlockListDocument {
  _id: string;
  listVersion: number;
  blocked: BlockListRecord | null;
}

/** Collection `block_list_changes`: `_id` = `<imei14>@<previous version>`, each later projection. */
export interface BlockListLinkDocument extends ProjectionLink {
  _id: string;
  /** The writer's clock when it stored the link (compaction folds only links older than its horizon). */
  storedAtMs?: number;
}

/** Collection `block_list_compaction`, document `_id` 'fence': raised by every compaction run before it deletes. */
interface CompactionFenceDocument {
  _id: string;
  epoch: number;
}
const FENCE_ID = 'fence';

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
 * The block-list projection in Mongo, written as inserts only (the cheapest write shape FerretDB has,
 * one unordered `insertMany` per collection and batch): an IMEI's first projection into `block_list`
 * (`_id` imei14), every later one into `block_list_changes` keyed by the version it replaced
 * (`domain/projection-chain.ts`). The unique `_id` rejects a second writer of either: a member that
 * decided against a version that is no longer the head finds its key taken (once compaction has deleted
 * a key, the processor's fence check takes over: README, "Compaction of the chain"). Reads are concurrent
 * `_id` look-ups that follow the chain.
 */
export class BlockListStore {
  readonly collection: Collection<BlockListDocument>;
  readonly links: Collection<BlockListLinkDocument>;
  private readonly fence: Collection<CompactionFenceDocument>;
  private readonly readConcurrency: number;

  constructor(db: Db, options: BlockListStoreOptions = {}) {
    this.collection = db.collection<BlockListDocument>('block_list');
    this.links = db.collection<BlockListLinkDocument>('block_list_changes');
    this.fence = db.collection<CompactionFenceDocument>('block_list_compaction');
    this.readConcurrency = options.readConcurrency ?? 32;
  }

  /** The compaction fence: how many compaction runs have started deleting (0 before the first). */
  async fenceEpoch(): Promise<number> {
    return (await this.fence.findOne({ _id: FENCE_ID }))?.epoch ?? 0;
  }

  /** Raises the fence (a compaction run, after reading what it will delete and before deleting it). */
  async raiseFence(): Promise<void> {
    await this.fence.updateOne({ _id: FENCE_ID }, { $inc: { epoch: 1 } }, { upsert: true });
  }

  /** The stored base versions of IMEIs (absent: no base). */
  async baseVersions(imei14s: readonly string[], concurrency = this.readConcurrency): Promise<Map<string, number>> {
    return new Map((await findByIds(this.collection, imei14s, { projection: { listVersion: 1 } }, concurrency)).map((d) => [d._id, d.listVersion]));
  }

  /**
   * Projections by imei14: the bases, then the link out of each version reached, round after round, until
   * none follows (one `_id` equality query each, `concurrency` in flight; $in is a full scan on
   * FerretDB/SQLite), then the bases once more: a compaction moves a base forward before it deletes the
   * links below it, so an unchanged base proves no link of the walk was deleted under it (an IMEI whose base
   * moved is walked again from the new base). An IMEI costs its number of stored changes + 2 reads.
   */
  async load(imei14s: readonly string[], concurrency = this.readConcurrency): Promise<Map<string, ProjectedImei>> {
    const heads = new Map<string, ProjectedImei>();
    for (let ids: string[] = [...imei14s]; ids.length > 0;) {
      const bases = await findByIds(this.collection, ids, {}, concurrency);
      const walked = new Map(bases.map((d) => [d._id, { imei14: d._id, listVersion: d.listVersion, blocked: d.blocked }]));
      const baseVersion = new Map(bases.map((d) => [d._id, d.listVersion]));
      for (let pending = [...walked.values()]; pending.length > 0;) {
        const links = await findByIds(this.links, pending.map((p) => linkIdOf(p.imei14, p.listVersion)), {}, concurrency);
        pending = [];
        for (const link of links) {
          if (link.listVersion <= walked.get(link.imei14)!.listVersion) continue;
          const head = { imei14: link.imei14, listVersion: link.listVersion, blocked: link.blocked };
          walked.set(link.imei14, head);
          pending.push(head);
        }
      }
      const now = await this.baseVersions([...walked.keys()], concurrency);
      ids = [];
      for (const [id, head] of walked) {
        if (now.get(id) === baseVersion.get(id)) heads.set(id, head);
        else ids.push(id);
      }
    }
    return heads;
  }

  /**
   * Every stored projection: one scan of each collection (FerretDB reads a whole collection for any filter
   * but `_id` anyway). Links first: a compaction moves a base forward before deleting the links below it,
   * so a scan that missed deleted links reads the moved base afterwards.
   */
  async loadAll(): Promise<Map<string, ProjectedImei>> {
    const links = new LinkIndex();
    for await (const d of this.links.find({}, { batchSize: 10_000 })) links.add(d);
    const all = new Map<string, ProjectedImei>();
    for await (const d of this.collection.find({}, { batchSize: 10_000 })) all.set(d._id, { imei14: d._id, listVersion: d.listVersion, blocked: d.blocked });
    return links.resolve(all);
  }

  /** The current block-list records of IMEIs (null when known and not blocked, absent when never known). */
  async blocks(imei14s: readonly string[], concurrency = this.readConcurrency): Promise<Map<string, BlockListRecord | null>> {
    const loaded = await this.load(imei14s, concurrency);
    return new Map([...loaded].map(([id, p]) => [id, p.blocked]));
  }

  /**
   * Stores new projections, bases and links at once. The IMEIs whose key was taken (another writer stored
   * a projection first) are returned (`existing`): the caller decides them again against what is stored.
   */
  async write(writes: readonly ProjectionWrite[], nowMs = Date.now()): Promise<{ existing: string[] }> {
    const bases: BlockListDocument[] = [];
    const links: BlockListLinkDocument[] = [];
    for (const { next, previousVersion } of writes) {
      if (previousVersion === undefined) bases.push({ _id: next.imei14, listVersion: next.listVersion, blocked: next.blocked });
      else links.push({ _id: linkIdOf(next.imei14, previousVersion), imei14: next.imei14, previousVersion, listVersion: next.listVersion, blocked: next.blocked, storedAtMs: nowMs });
    }
    const [takenBases, takenLinks] = await Promise.all([insertNew(this.collection, bases), insertNew(this.links, links)]);
    return { existing: [...takenBases.map((d) => d._id), ...takenLinks.map((d) => d.imei14)] };
  }

  /** Number of IMEIs blocked in the projection (a full load: for tests and tools, not hot paths). */
  async blockedCount(): Promise<number> {
    let count = 0;
    for (const p of (await this.loadAll()).values()) if (p.blocked) count++;
    return count;
  }
}

/** Inserts `docs` (unordered); returns those whose `_id` already existed. */
async function insertNew<T extends { _id: string }>(collection: Collection<T>, docs: T[]): Promise<T[]> {
  if (docs.length === 0) return [];
  try {
    await collection.insertMany(docs as unknown as OptionalUnlessRequiredId<T>[], { ordered: false });
    return [];
  } catch (error) {
    const writeErrors = (error as { writeErrors?: unknown }).writeErrors;
    const errors = (Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : []) as { code?: number; index: number }[];
    if (errors.length === 0 || !errors.every(isDuplicateKey)) throw error;
    return errors.map((e) => docs[e.index]!);
  }
}
