import type { Context } from '@opentelemetry/api';
import type { AnyBulkWriteOperation, Collection, Db, Filter, OptionalUnlessRequiredId } from 'mongodb';
import { topics, type DeviceEvent, type GroupingStatus, type ListReason, type TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { findByIds } from '@imei/mongo';
import { recordOf, storedEvent, VersionConflictError, type StoredChange, type StoredEvent } from '@imei/outbox';
import type { DeviceState } from '../domain/device';
import type { Conflict, DeviceEventOf } from '../domain/grouping-events';
import { openConflicts, type ImeiRecord } from '../domain/imei-record';
import { conflictFrom, deviceFrom, imeiRecordFrom, withoutVersion, type ConflictDocument, type DeviceDocument, type GroupingDocumentFields, type ImeiDocument } from './grouping-documents';
import { deviceEventMessages, groupingStatusMessage } from './grouping-messages';
import { OutboxLedger, type LedgerEntry } from './outbox-ledger';

/** The topics device-grouping publishes to (tests pass copies). */
export interface GroupingTopics {
  deviceEvents: TopicSpec<DeviceEvent>;
  groupingStatus: TopicSpec<GroupingStatus>;
}

export const defaultGroupingTopics: GroupingTopics = { deviceEvents: topics.deviceEvents, groupingStatus: topics.groupingStatus };

/** An entity as loaded, with what the outbox needs to store its next change or re-publish. */
export interface Loaded<T> {
  state: T;
  outbox: StoredEvent[];
  /** Some event may not be acknowledged yet: the entity's outbox batch is still open. */
  outboxPending: boolean;
  outboxSentVersion: number;
}

/** A device change to store: the state after it and the events that made it. */
export interface DeviceWrite {
  before: Loaded<DeviceState> | undefined;
  after: DeviceState;
  events: DeviceEventOf[];
  cause: string;
  trace?: Context;
}

export interface ImeiWrite {
  before: Loaded<ImeiRecord> | undefined;
  after: ImeiRecord;
  cause: string;
  trace?: Context;
}

/** Collection `black_imeis`: `_id` = imei14 → the reason it is black (from imei.list-changes.v1). */
interface BlackDocument {
  _id: string;
  reason: ListReason;
  version: number;
}

/** A change in document form, written in one document write with its events. */
interface DocumentChange<TDoc extends GroupingDocumentFields> {
  id: string;
  /** Version the change was decided against; 0 for a new entity (inserted, so a rival's insert fails on `_id`). */
  expectedVersion: number;
  state: Omit<TDoc, keyof GroupingDocumentFields>;
  events: StoredEvent[];
  before: Loaded<{ version: number }> | undefined;
}

/** Sent events each document keeps for replays (with the pending ones). */
const RETAINED_EVENTS = 8;

/** A stored change with what the entity's next change needs (its outbox, what it had published). */
export interface StoredDocument extends StoredChange {
  outbox: StoredEvent[];
  sentVersion: number;
}

const unsent = (loaded: Loaded<unknown>): StoredEvent[] => loaded.outbox.filter((e) => e.version > loaded.outboxSentVersion);

/** Ids whose write failed on a duplicate `_id` (insertMany, unordered); rethrows anything else. */
function duplicateIds(error: unknown, ids: readonly string[]): string[] {
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  const errors = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as { index: number; code: number }[];
  if ((error as { code?: number }).code !== 11000 && (errors.length === 0 || errors.some((e) => e.code !== 11000))) throw error;
  return errors.map((e) => ids[e.index]!);
}

/**
 * Devices and IMEI records in Mongo with store-then-publish: each entity change and its events are one
 * document write (DeviceEvent on imei.device-events.v1 keyed by device id, GroupingStatus on
 * imei.grouping-status.v1 keyed by imei14). A flush opens an outbox batch naming the versions it
 * stores, writes new entities with insertMany and changed ones with one version-guarded bulkWrite,
 * publishes every event with one producer call, then closes the batch (one delete).
 */
export class GroupingRepository {
  readonly ledger: OutboxLedger;

  constructor(
    readonly db: Db,
    private readonly producer: TopicProducer,
    private readonly logger: Logger,
    private readonly topicsOut: GroupingTopics = defaultGroupingTopics,
  ) {
    this.ledger = new OutboxLedger(db);
  }

  get devices() {
    return this.db.collection<DeviceDocument>('devices');
  }

  get imeis() {
    return this.db.collection<ImeiDocument>('imeis');
  }

  get conflicts() {
    return this.db.collection<ConflictDocument>('conflicts');
  }

  private get blacks() {
    return this.db.collection<BlackDocument>('black_imeis');
  }

  /** Documents as Loaded entities; pending only while their batch is open (or, written before batches, flagged). */
  private async loaded<TDoc extends GroupingDocumentFields, T>(docs: readonly TDoc[], stateOf: (doc: TDoc) => T): Promise<Map<string, Loaded<T>>> {
    const open = await this.ledger.openOf(docs.flatMap((d) => (d.outboxPending && d.outboxBatch !== undefined ? [d.outboxBatch] : [])));
    return new Map(docs.map((d) => [d._id, {
      state: stateOf(d),
      outbox: d.outbox,
      outboxPending: d.outboxPending && (d.outboxBatch === undefined || open.has(d.outboxBatch)),
      outboxSentVersion: d.outboxPending && d.outboxBatch !== undefined && !open.has(d.outboxBatch) ? d.version : d.outboxSentVersion,
    }]));
  }

  async loadDevices(ids: readonly string[]): Promise<Map<string, Loaded<DeviceState>>> {
    if (ids.length === 0) return new Map();
    return this.loaded(await findByIds(this.devices, ids), deviceFrom);
  }

  async loadImeis(ids: readonly string[]): Promise<Map<string, Loaded<ImeiRecord>>> {
    if (ids.length === 0) return new Map();
    return this.loaded(await findByIds(this.imeis, ids), imeiRecordFrom);
  }

  /** Just the links (device ids) of these IMEIs. */
  async linkedDevices(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const docs = await findByIds(this.imeis, ids, { projection: { 'record.link.deviceId': 1 } });
    return new Map(docs.filter((d) => d.record.link).map((d) => [d._id, d.record.link!.deviceId]));
  }

  /** Every device id and every IMEI record with its link (one scan of `_id` and the link): what the cache knows exists. */
  async scanKnown(): Promise<{ devices: string[]; imeis: [string, string][] }> {
    const [devices, imeis] = await Promise.all([
      this.devices.find({}, { projection: { _id: 1 } }).toArray(),
      this.imeis.find({}, { projection: { 'record.link.deviceId': 1 } }).toArray(),
    ]);
    return { devices: devices.map((d) => d._id), imeis: imeis.map((d) => [d._id, d.record?.link?.deviceId ?? '']) };
  }

  async blackReasons(ids: readonly string[]): Promise<Map<string, ListReason>> {
    if (ids.length === 0) return new Map();
    const docs = await findByIds(this.blacks, ids);
    return new Map(docs.map((d) => [d._id, d.reason]));
  }

  /** Remembers the black reasons of list changes (upsert for black, delete otherwise). */
  async recordListStates(changes: readonly { imei14: string; black: boolean; reason: ListReason; version: number }[]): Promise<void> {
    if (changes.length === 0) return;
    await this.blacks.bulkWrite(
      changes.map((c) => (c.black
        ? { replaceOne: { filter: { _id: c.imei14 }, replacement: { reason: c.reason, version: c.version }, upsert: true } }
        : { deleteOne: { filter: { _id: c.imei14 } } })),
      { ordered: true },
    );
  }

  /** The ledger entries of a flush: every entity version it is about to store. */
  ledgerEntries(imeis: readonly ImeiWrite[], devices: readonly DeviceWrite[]): LedgerEntry[] {
    return [
      ...imeis.map((w): LedgerEntry => ({ collection: 'imeis', id: w.after.imei14, version: (w.before?.state.version ?? 0) + 1 })),
      ...devices.map((w): LedgerEntry => ({ collection: 'devices', id: w.after.deviceId, version: (w.before?.state.version ?? 0) + 1 })),
    ];
  }

  /** Stores IMEI changes (insert for a new record: the link collection's `_id` makes an IMEI belong to one device). */
  storeImeis(writes: readonly ImeiWrite[], batchId: string): Promise<StoredDocument[]> {
    return this.storeDocuments(this.imeis, writes.map((w) => {
      const version = (w.before?.state.version ?? 0) + 1;
      const after = { ...w.after, version };
      return {
        id: after.imei14,
        expectedVersion: version - 1,
        state: { record: withoutVersion(after), openConflicts: openConflicts(after).length },
        events: [storedEvent(this.topicsOut.groupingStatus, after.imei14, groupingStatusMessage(after, after.imei14), version, w.cause, w.trace)],
        before: w.before,
      };
    }), batchId);
  }

  storeDevices(writes: readonly DeviceWrite[], batchId: string): Promise<StoredDocument[]> {
    return this.storeDocuments(this.devices, writes.map((w) => {
      const version = (w.before?.state.version ?? 0) + 1;
      const after = { ...w.after, version };
      return {
        id: after.deviceId,
        expectedVersion: version - 1,
        state: { device: withoutVersion(after), ownerRef: after.ownerRef },
        events: deviceEventMessages(w.events, after).map((message) => storedEvent(this.topicsOut.deviceEvents, after.deviceId, message, version, w.cause, w.trace)),
        before: w.before,
      };
    }), batchId);
  }

  /**
   * One insertMany for new entities and one bulkWrite of version-guarded updates for the others (both
   * unordered). Throws VersionConflictError naming the entities a rival wrote first (and the changes
   * of this call that were stored).
   */
  private async storeDocuments<TDoc extends GroupingDocumentFields>(collection: Collection<TDoc>, changes: readonly DocumentChange<TDoc>[], batchId: string): Promise<StoredDocument[]> {
    if (changes.length === 0) return [];
    const stored: StoredDocument[] = [];
    const fields = new Map<string, Record<string, unknown>>();
    for (const change of changes) {
      const version = change.expectedVersion + 1;
      const before = change.before;
      const outbox = [...(before?.outbox ?? []).slice(-Math.max(0, RETAINED_EVENTS - change.events.length)), ...change.events];
      // What the previous version published is known here: carried forward instead of a write per entity.
      const sentVersion = before === undefined ? 0 : before.outboxPending ? before.outboxSentVersion : before.state.version;
      stored.push({ id: change.id, version, events: change.events, outbox, sentVersion });
      fields.set(change.id, { ...change.state, version, outbox, outboxPending: change.events.length > 0, outboxSentVersion: sentVersion, outboxBatch: batchId });
    }
    const fieldsOf = (change: DocumentChange<TDoc>) => fields.get(change.id)!;
    const inserts = changes.filter((c) => c.expectedVersion === 0);
    const updates = changes.filter((c) => c.expectedVersion > 0);
    const lost: string[] = [];
    await Promise.all([
      inserts.length === 0 ? undefined : collection
        .insertMany(inserts.map((c) => ({ _id: c.id, ...fieldsOf(c) }) as unknown as OptionalUnlessRequiredId<TDoc>), { ordered: false })
        .catch((error: unknown) => void lost.push(...duplicateIds(error, inserts.map((c) => c.id)))),
      updates.length === 0 ? undefined : (async () => {
        const ops = updates.map((c) => ({ updateOne: { filter: { _id: c.id, version: c.expectedVersion } as Filter<TDoc>, update: { $set: fieldsOf(c) as Partial<TDoc> } } }) as AnyBulkWriteOperation<TDoc>);
        const result = await collection.bulkWrite(ops, { ordered: false });
        if (result.matchedCount === updates.length) return;
        const docs = await findByIds(collection, updates.map((c) => c.id), { projection: { outboxBatch: 1 } });
        const ours = new Set(docs.filter((d) => d.outboxBatch === batchId).map((d) => d._id as string));
        lost.push(...updates.filter((c) => !ours.has(c.id)).map((c) => c.id));
      })(),
    ]);
    if (lost.length > 0) {
      const failed = new Set(lost);
      throw new VersionConflictError(lost, stored.filter((s) => !failed.has(s.id)));
    }
    return stored;
  }

/** Upserts the listing copies of conflicts (idempotent: the same conflict id, its latest state). */
  async projectConflicts(conflicts: readonly Conflict[]): Promise<void> {
    if (conflicts.length === 0) return;
    await this.conflicts.bulkWrite(
      conflicts.map((conflict) => ({ replaceOne: { filter: { _id: conflict.conflictId }, replacement: { conflict, resolved: conflict.resolution !== undefined }, upsert: true } })),
      { ordered: false },
    );
  }

  /**
   * Publishes stored changes and re-publishes the unsent events of replayed entities with one producer
   * call, then closes the batch: its events are acknowledged.
   */
  async publish(
    stored: { imeis: readonly StoredChange[]; devices: readonly StoredChange[] },
    replays: { imeis: readonly Loaded<ImeiRecord>[]; devices: readonly Loaded<DeviceState>[] },
    batchId: string | undefined,
  ): Promise<void> {
    // Replayed (older) versions first: per key, the topic never goes back to an older version.
    const events = [
      ...replays.imeis.flatMap(unsent),
      ...replays.devices.flatMap(unsent),
      ...stored.imeis.flatMap((c) => c.events),
      ...stored.devices.flatMap((c) => c.events),
    ];
    if (events.length > 0) await this.producer.sendEncoded(events.map(recordOf));
    if (batchId !== undefined) await this.ledger.close([batchId]);
  }

  /**
   * Publishes the events of every open batch (start-up and rebalance: a member died between storing
   * and publishing), oldest first, marks those entities sent and closes the batches.
   */
  async sweep(): Promise<number> {
    let count = 0;
    for (const batch of await this.ledger.allOpen()) {
      const ids = (collection: 'imeis' | 'devices') => batch.entries.filter((e) => e.collection === collection).map((e) => e.id);
      const [imeis, devices] = await Promise.all([findByIds(this.imeis, ids('imeis')), findByIds(this.devices, ids('devices'))]);
      const docs = new Map<string, GroupingDocumentFields>([...imeis.map((d) => [`imeis ${d._id}`, d] as const), ...devices.map((d) => [`devices ${d._id}`, d] as const)]);
      // Conflicts of records stored but never published may be missing from the listing.
      await this.projectConflicts(imeis.filter((d) => d.outboxBatch === batch._id).flatMap((d) => (d.record.conflicts ?? []).map(conflictFrom)));
      const events: StoredEvent[] = [];
      const sent: { collection: 'imeis' | 'devices'; id: string; version: number }[] = [];
      for (const { collection, id, version } of batch.entries) {
        const doc = docs.get(`${collection} ${id}`);
        if (doc === undefined || doc.version < version) continue; // never stored: its input is replayed
        events.push(...doc.outbox.filter((e) => e.version === version));
        if (doc.version === version) sent.push({ collection, id, version });
      }
      if (events.length > 0) await this.producer.sendEncoded(events.map(recordOf));
      const marks = (collection: 'imeis' | 'devices') => sent.filter((s) => s.collection === collection)
        .map((s) => ({ updateOne: { filter: { _id: s.id, version: s.version }, update: { $set: { outboxPending: false, outboxSentVersion: s.version } } } }));
      await Promise.all([
        marks('imeis').length > 0 ? this.imeis.bulkWrite(marks('imeis'), { ordered: false }) : undefined,
        marks('devices').length > 0 ? this.devices.bulkWrite(marks('devices'), { ordered: false }) : undefined,
      ]);
      await this.ledger.close([batch._id]);
      count += sent.length;
    }
    if (count > 0) this.logger.info({ entities: count }, 'outbox sweep re-published unsent events');
    return count;
  }

  async listConflicts(includeResolved: boolean, limit: number): Promise<Conflict[]> {
    const filter: Filter<ConflictDocument> = includeResolved ? {} : { resolved: false };
    const docs = await this.conflicts.find(filter).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((d) => conflictFrom(d.conflict));
  }

  async conflict(conflictId: string): Promise<Conflict | undefined> {
    const doc = await this.conflicts.findOne({ _id: conflictId });
    return doc === null ? undefined : conflictFrom(doc.conflict);
  }

  async devicesOfOwner(ownerRef: string, limit: number): Promise<DeviceState[]> {
    const docs = await this.devices.find({ ownerRef }).limit(limit).toArray();
    return docs.map(deviceFrom);
  }
}
