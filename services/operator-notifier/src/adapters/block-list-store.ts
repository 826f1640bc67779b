import type { Collection, Db } from 'mongodb';
import type { BlockListEntry, TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { Outbox, type EntityChange, type OutboxFields, type StoredChange } from '@imei/outbox';
import type { BlockListRecord, ProjectedImei } from '../domain/block-list-projection';

/** Collection `block_list`: `_id` = imei14, the last list version applied, the record when blocked, and its outbox. */
export type BlockListDocument = OutboxFields & { listVersion: number; blocked: BlockListRecord | null };

/** A projection as loaded, with what its next write and a re-publication need. */
export interface LoadedProjection {
  projection: ProjectedImei;
  doc: BlockListDocument;
}

export interface BlockListStoreOptions {
  /** Concurrent `_id` look-ups (FerretDB uses its index only for `_id` equality). Default 32. */
  readConcurrency?: number;
}

/** The BlockListEntry payload of a record. */
export function blockListEntryOf(record: BlockListRecord): BlockListEntry {
  return { imei14: record.imei14, imei: record.imei, reason: record.reason, blockedAt: new Date(record.blockedAtMs), listVersion: record.listVersion };
}

/** The block-list projection in Mongo: read by `_id`, changes stored with their block-list record through the outbox. */
export class BlockListStore {
  readonly collection: Collection<BlockListDocument>;
  private readonly outbox: Outbox<BlockListDocument>;
  private readonly readConcurrency: number;

  constructor(
    db: Db,
    producer: TopicProducer,
    logger: Logger,
    readonly blockListTopic: TopicSpec<BlockListEntry>,
    options: BlockListStoreOptions = {},
  ) {
    this.collection = db.collection<BlockListDocument>('block_list');
    this.outbox = new Outbox(this.collection, producer, logger, { retainEvents: 2 });
    this.readConcurrency = options.readConcurrency ?? 32;
  }

  /** Loads projections by imei14, one `_id` equality query each ($in is a full scan on FerretDB/SQLite). */
  async load(imei14s: readonly string[]): Promise<Map<string, LoadedProjection>> {
    const found = new Map<string, LoadedProjection>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < imei14s.length) {
        const id = imei14s[next++]!;
        const doc = await this.collection.findOne({ _id: id });
        if (doc) found.set(id, { doc, projection: { imei14: id, listVersion: doc.listVersion, blocked: doc.blocked } });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.readConcurrency, imei14s.length) }, worker));
    return found;
  }

  /** The current block-list records of IMEIs (null when known and not blocked, absent when never known). */
  async blocks(imei14s: readonly string[]): Promise<Map<string, BlockListRecord | null>> {
    const loaded = await this.load(imei14s);
    return new Map([...loaded].map(([id, l]) => [id, l.projection.blocked]));
  }

  store(changes: readonly EntityChange<BlockListDocument>[]): Promise<StoredChange[]> {
    return this.outbox.store(changes);
  }

  publish(changes: readonly StoredChange[]): Promise<void> {
    return this.outbox.publish(changes);
  }

  /** Publishes the events of loaded documents that were stored but never acknowledged (a crash or a failed publish). */
  async republishPending(loaded: Iterable<LoadedProjection>): Promise<number> {
    const pending: StoredChange[] = [];
    for (const { doc } of loaded) {
      if (!doc.outboxPending) continue;
      pending.push({ id: doc._id, version: doc.version, events: doc.outbox.filter((e) => e.version > doc.outboxSentVersion) });
    }
    await this.outbox.publish(pending);
    return pending.length;
  }

  /** Start-up sweep: publishes every stored record or tombstone not acknowledged before a crash. */
  sweep(): Promise<number> {
    return this.outbox.sweep();
  }

  /** Number of IMEIs blocked in the projection (a scan: for tests and tools, not hot paths). */
  blockedCount(): Promise<number> {
    return this.collection.countDocuments({ blocked: { $ne: null } });
  }
}
