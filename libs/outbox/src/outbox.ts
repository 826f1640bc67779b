import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Filter, OptionalUnlessRequiredId } from 'mongodb';

interface WriteErrorLike {
  index: number;
  code?: number;
}
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { recordOf, type OutboxFields, type StoredEvent } from './outbox-event';

/** A change to store: the entity's new state plus the events that announce it. */
export interface EntityChange<TDoc extends OutboxFields> {
  id: string;
  /** Version the change was decided against; 0 for a new entity. */
  expectedVersion: number;
  /** The full new state (outbox fields are filled in by the outbox). */
  state: Omit<TDoc, keyof OutboxFields>;
  /** Events of this change, all at version expectedVersion + 1. */
  events: StoredEvent[];
  /** The outbox as it was read (to keep the most recent events). */
  previousOutbox: readonly StoredEvent[];
}

/** A stored change waiting to be published. */
export interface StoredChange {
  id: string;
  version: number;
  events: StoredEvent[];
}

export interface OutboxOptions {
  /** How many sent events each document keeps for replays; default 8. */
  retainEvents?: number;
}

/** The change was decided against a stale version: another writer got there first. */
export class VersionConflictError extends Error {
  constructor(
    /** Entities whose change was not stored: re-read and decide again. */
    readonly ids: readonly string[],
    /** Changes of the same call that were stored and still need publishing. */
    readonly stored: readonly StoredChange[],
  ) {
    super(`version conflict on ${ids.length} entit${ids.length === 1 ? 'y' : 'ies'}: ${ids.slice(0, 5).join(', ')}`);
    this.name = 'VersionConflictError';
  }
}

/**
 * Store-then-publish (design §4): a change and its events are written in one document write; the
 * events are published, then marked sent; unsent events are swept at start-up. A replayed input whose
 * effect is already stored re-publishes the stored events at their version, never a new version.
 */
export class Outbox<TDoc extends OutboxFields> {
  private readonly retain: number;

  constructor(
    private readonly collection: Collection<TDoc>,
    private readonly producer: TopicProducer,
    private readonly logger: Logger,
    options: OutboxOptions = {},
  ) {
    this.retain = options.retainEvents ?? 8;
  }

  /**
   * Stores changes, each in one document write guarded by its expected version (upsert: a new entity
   * is inserted, a stale version hits the unique `_id` and fails). Throws VersionConflictError naming
   * the entities whose version moved.
   */
  async store(changes: readonly EntityChange<TDoc>[]): Promise<StoredChange[]> {
    if (changes.length === 0) return [];
    const stored: StoredChange[] = [];
    // Tags this call's writes, so that after a partial failure we can tell ours from a rival's.
    const writeId = randomUUID();
    const ops: AnyBulkWriteOperation<TDoc>[] = changes.map((change) => {
      const version = change.expectedVersion + 1;
      const outbox = [...change.previousOutbox.slice(-Math.max(0, this.retain - change.events.length)), ...change.events];
      stored.push({ id: change.id, version, events: change.events });
      const set = { ...change.state, version, outbox, outboxPending: change.events.length > 0, outboxWriteId: writeId } as Record<string, unknown>;
      const setOnInsert = change.expectedVersion === 0 ? { outboxSentVersion: 0 } : undefined;
      return {
        updateOne: {
          filter: { _id: change.id, version: change.expectedVersion } as Filter<TDoc>,
          update: setOnInsert ? { $set: set, $setOnInsert: setOnInsert } : { $set: set },
          upsert: change.expectedVersion === 0,
        },
      } as AnyBulkWriteOperation<TDoc>;
    });
    let matched = 0;
    try {
      const result = await this.collection.bulkWrite(ops, { ordered: true });
      matched = result.matchedCount + result.upsertedCount;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) throw await this.conflictError(stored, writeId);
      throw error;
    }
    if (matched !== changes.length) throw await this.conflictError(stored, writeId);
    return stored;
  }

  /**
   * Stores the first version of entities believed new with one `insertMany` (FerretDB inserts in bulk
   * many times faster than it upserts one by one). An entity that already exists is left untouched and
   * reported in `existing`: the caller re-reads it and decides again. Same guarantee as `store` with
   * `expectedVersion: 0` (the unique `_id` decides), without a read before the write.
   */
  async insert(changes: readonly EntityChange<TDoc>[]): Promise<{ stored: StoredChange[]; existing: string[] }> {
    if (changes.length === 0) return { stored: [], existing: [] };
    const writeId = randomUUID();
    const docs = changes.map((change) => {
      if (change.expectedVersion !== 0) throw new Error(`insert of ${change.id}: only new entities (expectedVersion 0)`);
      return { ...change.state, _id: change.id, version: 1, outbox: change.events, outboxPending: change.events.length > 0, outboxSentVersion: 0, outboxWriteId: writeId } as unknown as OptionalUnlessRequiredId<TDoc>;
    });
    const duplicates = new Set<number>();
    try {
      await this.collection.insertMany(docs, { ordered: false });
    } catch (error) {
      const writeErrors = (error as { writeErrors?: WriteErrorLike | WriteErrorLike[] }).writeErrors;
      const errors = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
      // Anything but duplicates is a real failure: the caller retries the batch, and the documents
      // that were inserted are found by the retry's reads (their input is then a replay).
      if (errors.length === 0 || errors.some((e) => e.code !== 11000)) throw error;
      for (const e of errors) duplicates.add(e.index);
    }
    const stored: StoredChange[] = [];
    const existing: string[] = [];
    changes.forEach((change, i) => (duplicates.has(i) ? existing.push(change.id) : stored.push({ id: change.id, version: 1, events: change.events })));
    return { stored, existing };
  }

  /** Publishes stored changes' events (in order) and marks them sent. */
  async publish(changes: readonly StoredChange[]): Promise<void> {
    if (!(await this.send(changes))) return;
    await this.markSent(changes.filter((c) => c.events.length > 0));
  }

  /**
   * Publishes stored changes' events (in order) without marking them sent; false when there was
   * nothing to send. The caller marks them with `markSent` later (until then a start-up sweep would
   * re-publish the same versions, which is harmless).
   */
  async send(changes: readonly StoredChange[]): Promise<boolean> {
    const records = changes.flatMap((c) => c.events.map(recordOf));
    if (records.length === 0) return false;
    await this.producer.sendEncoded(records);
    return true;
  }

  /** Stores then publishes: the usual path. */
  async storeAndPublish(changes: readonly EntityChange<TDoc>[]): Promise<StoredChange[]> {
    const stored = await this.store(changes);
    await this.publish(stored);
    return stored;
  }

  /**
   * Events to re-publish when an input whose effect is already stored is replayed: the events it
   * caused, at their stored version. When the entity has moved on since, its latest events are
   * re-published instead, so a compacted topic never ends on a stale version.
   */
  replayEvents(doc: Pick<OutboxFields, 'version' | 'outbox'>, cause: string): StoredEvent[] {
    const caused = doc.outbox.filter((e) => e.cause === cause);
    if (caused.length > 0 && caused[caused.length - 1]!.version === doc.version) return caused;
    return doc.outbox.filter((e) => e.version === doc.version);
  }

  /** Publishes every unsent event (start-up sweep after a crash). Returns how many entities it published. */
  async sweep(batchSize = 500): Promise<number> {
    let count = 0;
    for (;;) {
      const docs = await this.collection
        .find({ outboxPending: true } as Filter<TDoc>, { projection: { _id: 1, version: 1, outbox: 1, outboxSentVersion: 1 } })
        .limit(batchSize)
        .toArray();
      if (docs.length === 0) break;
      const pending = docs.map((d) => ({
        id: d._id as string,
        version: d.version as number,
        events: (d.outbox as StoredEvent[]).filter((e) => e.version > (d.outboxSentVersion as number)),
      }));
      await this.publish(pending);
      // A document whose version moved while we swept stays pending; its own publish clears it.
      await this.markSent(pending, true);
      count += docs.length;
      if (docs.length < batchSize) break;
    }
    if (count > 0) this.logger.info({ collection: this.collection.collectionName, entities: count }, 'outbox sweep re-published unsent events');
    return count;
  }

  /** Marks published changes sent (a document whose version moved since keeps its own pending state). */
  async markSent(changes: readonly StoredChange[], clearEmpty = false): Promise<void> {
    const ops = changes
      .filter((c) => clearEmpty || c.events.length > 0)
      .map((c) => ({
        updateOne: {
          filter: { _id: c.id, version: c.version } as Filter<TDoc>,
          update: { $set: { outboxPending: false, outboxSentVersion: c.version } as Partial<TDoc> },
        },
      }) as AnyBulkWriteOperation<TDoc>);
    if (ops.length > 0) await this.collection.bulkWrite(ops, { ordered: false });
  }

  private async conflictError(attempted: readonly StoredChange[], writeId: string): Promise<VersionConflictError> {
    const ids = attempted.map((s) => s.id);
    const docs = await this.collection.find({ _id: { $in: ids } } as Filter<TDoc>, { projection: { _id: 1, outboxWriteId: 1 } }).toArray();
    const ours = new Set(docs.filter((d) => d.outboxWriteId === writeId).map((d) => d._id as string));
    const stored = attempted.filter((s) => ours.has(s.id));
    const lost = attempted.filter((s) => !ours.has(s.id)).map((s) => s.id);
    return new VersionConflictError(lost, stored);
  }
}
