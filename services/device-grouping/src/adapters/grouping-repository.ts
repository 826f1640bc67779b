import type { Context } from '@opentelemetry/api';
import type { Db, Filter } from 'mongodb';
import { topics, type DeviceEvent, type GroupingStatus, type ListReason, type TopicSpec } from '@imei/contracts';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { findByIds } from '@imei/mongo';
import { Outbox, storedEvent, type EntityChange, type StoredChange, type StoredEvent } from '@imei/outbox';
import type { DeviceState } from '../domain/device';
import type { Conflict, DeviceEventOf } from '../domain/grouping-events';
import { openConflicts, type ImeiRecord } from '../domain/imei-record';
import { conflictFrom, deviceFrom, imeiRecordFrom, withoutVersion, type ConflictDocument, type DeviceDocument, type ImeiDocument } from './grouping-documents';
import { deviceEventMessages, groupingStatusMessage } from './grouping-messages';

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

const unsent = (loaded: Loaded<unknown>): StoredEvent[] => loaded.outbox.filter((e) => e.version > loaded.outboxSentVersion);

/**
 * Devices and IMEI records in Mongo with store-then-publish: each entity change and its events are one
 * document write through the outbox (DeviceEvent on imei.device-events.v1 keyed by device id,
 * GroupingStatus on imei.grouping-status.v1 keyed by imei14), published after the writes.
 */
export class GroupingRepository {
  readonly devicesOutbox: Outbox<DeviceDocument>;
  readonly imeisOutbox: Outbox<ImeiDocument>;

  constructor(
    readonly db: Db,
    producer: TopicProducer,
    logger: Logger,
    private readonly topicsOut: GroupingTopics = defaultGroupingTopics,
  ) {
    this.devicesOutbox = new Outbox(db.collection<DeviceDocument>('devices'), producer, logger);
    this.imeisOutbox = new Outbox(db.collection<ImeiDocument>('imeis'), producer, logger);
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

  async loadDevices(ids: readonly string[]): Promise<Map<string, Loaded<DeviceState>>> {
    if (ids.length === 0) return new Map();
    const docs = await findByIds(this.devices, ids);
    return new Map(docs.map((d) => [d._id, { state: deviceFrom(d), outbox: d.outbox, outboxPending: d.outboxPending, outboxSentVersion: d.outboxSentVersion }]));
  }

  async loadImeis(ids: readonly string[]): Promise<Map<string, Loaded<ImeiRecord>>> {
    if (ids.length === 0) return new Map();
    const docs = await findByIds(this.imeis, ids);
    return new Map(docs.map((d) => [d._id, { state: imeiRecordFrom(d), outbox: d.outbox, outboxPending: d.outboxPending, outboxSentVersion: d.outboxSentVersion }]));
  }

  /** Just the links (device ids) of these IMEIs: inference needs no more. */
  async linkedDevices(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const docs = await findByIds(this.imeis, ids, { projection: { 'record.link.deviceId': 1 } });
    return new Map(docs.filter((d) => d.record.link).map((d) => [d._id, d.record.link!.deviceId]));
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

  /** Stores IMEI changes (insert-if-absent for a new record, version-guarded otherwise). */
  storeImeis(writes: readonly ImeiWrite[]): Promise<StoredChange[]> {
    const changes: EntityChange<ImeiDocument>[] = writes.map((w) => {
      const version = (w.before?.state.version ?? 0) + 1;
      const after = { ...w.after, version };
      return {
        id: after.imei14,
        expectedVersion: version - 1,
        state: { record: withoutVersion(after), openConflicts: openConflicts(after).length },
        events: [storedEvent(this.topicsOut.groupingStatus, after.imei14, groupingStatusMessage(after, after.imei14), version, w.cause, w.trace)],
        previousOutbox: w.before?.outbox ?? [],
      };
    });
    return this.imeisOutbox.store(changes);
  }

  storeDevices(writes: readonly DeviceWrite[]): Promise<StoredChange[]> {
    const changes: EntityChange<DeviceDocument>[] = writes.map((w) => {
      const version = (w.before?.state.version ?? 0) + 1;
      const after = { ...w.after, version };
      return {
        id: after.deviceId,
        expectedVersion: version - 1,
        state: { device: withoutVersion(after), ownerRef: after.ownerRef },
        events: deviceEventMessages(w.events, after).map((message) => storedEvent(this.topicsOut.deviceEvents, after.deviceId, message, version, w.cause, w.trace)),
        previousOutbox: w.before?.outbox ?? [],
      };
    });
    return this.devicesOutbox.store(changes);
  }

  /** Upserts the listing copies of conflicts (idempotent: the same conflict id, its latest state). */
  async projectConflicts(conflicts: readonly Conflict[]): Promise<void> {
    if (conflicts.length === 0) return;
    await this.conflicts.bulkWrite(
      conflicts.map((conflict) => ({ replaceOne: { filter: { _id: conflict.conflictId }, replacement: { conflict, resolved: conflict.resolution !== undefined }, upsert: true } })),
      { ordered: false },
    );
  }

  /** Publishes stored changes and re-publishes the unsent events of replayed entities, then marks them sent. */
  async publish(
    stored: { imeis: readonly StoredChange[]; devices: readonly StoredChange[] },
    replays: { imeis: readonly Loaded<ImeiRecord>[]; devices: readonly Loaded<DeviceState>[] } = { imeis: [], devices: [] },
  ): Promise<void> {
    // Replayed (older) versions first: per key, the topic never goes back to an older version.
    const imeis = [...replays.imeis.map((l) => ({ id: l.state.imei14, version: l.state.version, events: unsent(l) })), ...stored.imeis];
    const devices = [...replays.devices.map((l) => ({ id: l.state.deviceId, version: l.state.version, events: unsent(l) })), ...stored.devices];
    await Promise.all([this.imeisOutbox.publish(imeis), this.devicesOutbox.publish(devices)]);
  }

  /** Publishes every stored but unacknowledged event (start-up, after a crash). */
  async sweep(): Promise<number> {
    // Conflicts of records stored but never published may be missing from the listing: project them first.
    const pending = await this.imeis.find({ outboxPending: true }, { projection: { 'record.conflicts': 1 } }).toArray();
    await this.projectConflicts(pending.flatMap((d) => (d.record.conflicts ?? []).map(conflictFrom)));
    return (await this.imeisOutbox.sweep()) + (await this.devicesOutbox.sweep());
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
