import type { Collection, Db, OptionalUnlessRequiredId } from 'mongodb';
import type { BlockListEntry } from '@imei/contracts';
import { findByIds } from '@imei/mongo';
import type { BlockListRecord, ProjectedImei } from '../domain/block-list-projection';
import { LinkIndex, linkIdOf, type ProjectionLink } from '../domain/projection-chain';

/** Collection `block_list`: `_id` = imei14, an IMEI's first projection (its base), never changed. */
export interface BlockListDocument {
  _id: string;
  listVersion: number;
  blocked: BlockListRecord | null;
}

/** Collection `block_list_changes`: `_id` = `<imei14>@<previous version>`, each later projection. */
export interface BlockListLinkDocument extends ProjectionLink {
  _id: string;
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
 * The block-list projection in Mongo, written as inserts only (the cheapest write shape FerretDB has,
 * one unordered `insertMany` per collection and batch): an IMEI's first projection into `block_list`
 * (`_id` imei14), every later one into `block_list_changes` keyed by the version it replaced
 * (`domain/projection-chain.ts`). The unique `_id` rejects a second writer of either: a member that
 * decided against a version that is no longer the head finds its key taken. Reads are concurrent `_id`
 * look-ups that follow the chain.
 */
export class BlockListStore {
  readonly collection: Collection<BlockListDocument>;
  readonly links: Collection<BlockListLinkDocument>;
  private readonly readConcurrency: number;

  constructor(db: Db, options: BlockListStoreOptions = {}) {
    this.collection = db.collection<BlockListDocument>('block_list');
    this.links = db.collection<BlockListLinkDocument>('block_list_changes');
    this.readConcurrency = options.readConcurrency ?? 32;
  }

  /**
   * Projections by imei14: the bases, then the link out of each version reached, round after round, until
   * none follows (one `_id` equality query each, `concurrency` in flight; $in is a full scan on
   * FerretDB/SQLite). An IMEI costs its number of stored changes + 1 reads.
   */
  async load(imei14s: readonly string[], concurrency = this.readConcurrency): Promise<Map<string, ProjectedImei>> {
    const bases = await findByIds(this.collection, imei14s, {}, concurrency);
    const heads = new Map(bases.map((d) => [d._id, { imei14: d._id, listVersion: d.listVersion, blocked: d.blocked }]));
    for (let pending = [...heads.values()]; pending.length > 0;) {
      const links = await findByIds(this.links, pending.map((p) => linkIdOf(p.imei14, p.listVersion)), {}, concurrency);
      pending = [];
      for (const link of links) {
        if (link.listVersion <= heads.get(link.imei14)!.listVersion) continue;
        const head = { imei14: link.imei14, listVersion: link.listVersion, blocked: link.blocked };
        heads.set(link.imei14, head);
        pending.push(head);
      }
    }
    return heads;
  }

  /** Every stored projection: one scan of each collection (FerretDB reads a whole collection for any filter but `_id` anyway). */
  async loadAll(): Promise<Map<string, ProjectedImei>> {
    const all = new Map<string, ProjectedImei>();
    for await (const d of this.collection.find({}, { batchSize: 10_000 })) all.set(d._id, { imei14: d._id, listVersion: d.listVersion, blocked: d.blocked });
    const links = new LinkIndex();
    for await (const d of this.links.find({}, { batchSize: 10_000 })) links.add(d);
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
  async write(writes: readonly ProjectionWrite[]): Promise<{ existing: string[] }> {
    const bases: BlockListDocument[] = [];
    const links: BlockListLinkDocument[] = [];
    for (const { next, previousVersion } of writes) {
      if (previousVersion === undefined) bases.push({ _id: next.imei14, listVersion: next.listVersion, blocked: next.blocked });
      else links.push({ _id: linkIdOf(next.imei14, previousVersion), imei14: next.imei14, previousVersion, listVersion: next.listVersion, blocked: next.blocked });
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
