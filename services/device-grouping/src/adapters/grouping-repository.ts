import type { Context } from '@opentelemetry/api';
import type { Db, Filter } from 'mongodb';
import { topics, type DeviceEvent, type GroupingStatus, type ListReason, type TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { findByIds } from '@imei/mongo';
import { recordOf, storedEvent, type StoredEvent } from '@imei/outbox';
import type { DeviceState } from '../domain/device';
import type { Conflict, DeviceEventOf } from '../domain/grouping-events';
import type { ImeiRecord } from '../domain/imei-record';
import {
  conflictFrom, deviceFrom, deviceOf, imeiOf, withoutVersion, type Decoded,
  type ConflictDocument, type DeviceDocument, type GroupingDocumentFields, type ImeiDocument,
} from './grouping-documents';
import { deviceEventMessages, groupingStatusMessage } from './grouping-messages';
import { KnownIdLog, type KnownIds } from './known-ids';
import { OutboxLedger, type LedgerEntry } from './outbox-ledger';
import { LEGACY_FIELDS, prepareDocuments, writeDocuments, type PreparedDocuments, type StoredDocument } from './document-writes';

export type { PreparedDocuments, StoredDocument } from './document-writes';

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
  /** Its document still has top-level fields of an older form (removed by its next update). */
  legacyFields?: boolean;
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

/** The device an IMEI document links to ('' when none), in any document form. */
const linkedDeviceOf = (doc: ImeiDocument): string => doc.linkedDevice ?? (doc.body === undefined && doc.record === undefined ? '' : imeiOf(doc).state.link?.deviceId ?? '');

const unsent = (loaded: Loaded<unknown>): StoredEvent[] => loaded.outbox.filter((e) => e.version > loaded.outboxSentVersion);

/**
 * Devices and IMEI records in Mongo with store-then-publish: each entity change and its events are one
 * document write (DeviceEvent on imei.device-events.v1 keyed by device id, GroupingStatus on
 * imei.grouping-status.v1 keyed by imei14). A flush opens an outbox batch naming the versions it
 * stores, writes new entities with insertMany and changed ones with one version-guarded bulkWrite,
 * publishes every event with one producer call, then closes the batch (one delete).
 */
export class GroupingRepository {
  readonly ledger: OutboxLedger;
  /** The ids and links the cache knows, persisted (see KnownIdLog). */
  readonly known: KnownIdLog;

  constructor(
    readonly db: Db,
    private readonly producer: TopicProducer,
    private readonly logger: Logger,
    private readonly topicsOut: GroupingTopics = defaultGroupingTopics,
  ) {
    this.ledger = new OutboxLedger(db);
    this.known = new KnownIdLog(db);
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
  private async loaded<TDoc extends GroupingDocumentFields, T>(docs: readonly TDoc[], decode: (doc: TDoc) => Decoded<T>): Promise<Map<string, Loaded<T>>> {
    const decoded = docs.map((d) => ({ d, e: decode(d) }));
    const open = await this.ledger.openOf(decoded.flatMap(({ d, e }) => (e.outboxPending && d.outboxBatch !== undefined ? [d.outboxBatch] : [])));
    // A closed batch published its events: the sweep or the normal path closes it, no write per entity.
    return new Map(decoded.map(({ d, e }) => [d._id, {
      ...e,
      outboxPending: e.outboxPending && (d.outboxBatch === undefined || open.has(d.outboxBatch)),
      outboxSentVersion: e.outboxPending && d.outboxBatch !== undefined && !open.has(d.outboxBatch) ? d.version : e.outboxSentVersion,
      legacyFields: Object.keys(LEGACY_FIELDS).some((field) => field in d),
    }]));
  }

  async loadDevices(ids: readonly string[]): Promise<Map<string, Loaded<DeviceState>>> {
    if (ids.length === 0) return new Map();
    return this.loaded(await findByIds(this.devices, ids), deviceOf);
  }

  async loadImeis(ids: readonly string[]): Promise<Map<string, Loaded<ImeiRecord>>> {
    if (ids.length === 0) return new Map();
    return this.loaded(await findByIds(this.imeis, ids), imeiOf);
  }

  /** Just the links (device ids) of these IMEIs. */
  async linkedDevices(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const docs = await findByIds(this.imeis, ids);
    return new Map(docs.flatMap((d) => { const deviceId = linkedDeviceOf(d); return deviceId === '' ? [] : [[d._id, deviceId] as const]; }));
  }

  /** What the cache knows exists: from the known-id log, or one scan of every `_id` and link for a store written before it. */
  loadKnown(): Promise<KnownIds> {
    return this.known.load(() => this.scanKnown(), () => this.ledger.newBatchId());
  }

  /** Every device id and every IMEI record with its link (one scan of `_id` and the link). */
  async scanKnown(): Promise<KnownIds> {
    const [devices, imeis] = await Promise.all([
      this.devices.find({}, { projection: { _id: 1 } }).toArray(),
      this.imeis.find({}, { projection: { linkedDevice: 1, 'record.link.deviceId': 1, body: 1 } }).toArray(),
    ]);
    return { devices: new Set(devices.map((d) => d._id)), imeis: new Map(imeis.map((d) => [d._id, linkedDeviceOf(d)])) };
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

  /** IMEI changes as documents (insert for a new record: the link collection's `_id` makes an IMEI belong to one device). */
  prepareImeis(writes: readonly ImeiWrite[], batchId: string): PreparedDocuments<ImeiDocument> {
    return prepareDocuments(this.imeis, writes.map((w) => {
      const version = (w.before?.state.version ?? 0) + 1;
      const after = { ...w.after, version };
      return {
        id: after.imei14,
        expectedVersion: version - 1,
        fields: {},
        entity: { record: withoutVersion(after) },
        events: [storedEvent(this.topicsOut.groupingStatus, after.imei14, groupingStatusMessage(after, after.imei14), version, w.cause, w.trace)],
        before: w.before,
      };
    }), batchId);
  }

  prepareDevices(writes: readonly DeviceWrite[], batchId: string): PreparedDocuments<DeviceDocument> {
    return prepareDocuments(this.devices, writes.map((w) => {
      const version = (w.before?.state.version ?? 0) + 1;
      const after = { ...w.after, version };
      return {
        id: after.deviceId,
        expectedVersion: version - 1,
        fields: { ownerRef: after.ownerRef },
        entity: { device: withoutVersion(after) },
        events: deviceEventMessages(w.events, after).map((message) => storedEvent(this.topicsOut.deviceEvents, after.deviceId, message, version, w.cause, w.trace)),
        before: w.before,
      };
    }), batchId);
  }

  /** Writes prepared documents (see writeDocuments): throws VersionConflictError naming the entities a rival wrote first. */
  write<TDoc extends GroupingDocumentFields>(prepared: PreparedDocuments<TDoc>): Promise<void> {
    return writeDocuments(prepared);
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
    stored: { imeis: readonly StoredDocument[]; devices: readonly StoredDocument[] },
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
   * and publishing), oldest first, and closes the batches (which marks their documents sent).
   */
  async sweep(): Promise<number> {
    let count = 0;
    for (const batch of await this.ledger.allOpen()) {
      const ids = (collection: 'imeis' | 'devices') => batch.entries.filter((e) => e.collection === collection).map((e) => e.id);
      const [imeis, devices] = await Promise.all([findByIds(this.imeis, ids('imeis')), findByIds(this.devices, ids('devices'))]);
      const docs = new Map<string, { version: number; outbox: StoredEvent[] }>([
        ...imeis.map((d) => [`imeis ${d._id}`, { version: d.version, outbox: imeiOf(d).outbox }] as const),
        ...devices.map((d) => [`devices ${d._id}`, { version: d.version, outbox: deviceOf(d).outbox }] as const),
      ]);
      // Conflicts of records stored but never published may be missing from the listing.
      await this.projectConflicts(imeis.filter((d) => d.outboxBatch === batch.id).flatMap((d) => imeiOf(d).state.conflicts));
      const events: StoredEvent[] = [];
      for (const { collection, id, version } of batch.entries) {
        const doc = docs.get(`${collection} ${id}`);
        if (doc === undefined || doc.version < version) continue; // never stored: its input is replayed
        events.push(...doc.outbox.filter((e) => e.version === version));
        count += 1;
      }
      if (events.length > 0) await this.producer.sendEncoded(events.map(recordOf));
      // Closing the batch marks its documents sent (a document whose batch is closed is not pending).
      await this.ledger.close([batch.id]);
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
