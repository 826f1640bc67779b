import { Binary, BSON } from 'mongodb';
import type { StoredEvent } from '@imei/outbox';
import type { DeviceState } from '../domain/device';
import type { CloneEvidence, Conflict } from '../domain/grouping-events';
import type { ImeiLink, ImeiRecord } from '../domain/imei-record';

/**
 * What every grouping document keeps as fields: its version (the update guard) and `outboxBatch`, the
 * outbox batch that wrote the current version (see OutboxLedger). The entity, its outbox of events and
 * their bookkeeping are one BSON value, `body`: FerretDB on SQLite turns every field of a document
 * into JSON with a type schema, and a single binary field inserts 2–2.5x faster than the same content
 * as fields (measured with the bench's documents); each field left on top costs too (7 → 3 fields:
 * +37 % devices/s). Only what is queried stays a field; every lookup is by `_id`.
 */
export interface GroupingDocumentFields {
  _id: string;
  /** Grows by one per change. */
  version: number;
  outboxBatch?: string;
  /** BSON of DeviceBody or ImeiBody (absent in documents written before bodies: they hold those fields). */
  body?: Binary;
  /** Documents written before the bookkeeping moved into the body keep it here. */
  outboxPending?: boolean;
  outboxSentVersion?: number;
}

/** The outbox bookkeeping kept in a body. */
export interface OutboxBookkeeping {
  /** True when the current version has events: they are unacknowledged while its batch is open. */
  outboxPending?: boolean;
  /** Highest version whose events are known to be acknowledged. */
  outboxSentVersion?: number;
}

/** The encoded part of a device document: the device and its most recent events. */
export interface DeviceBody extends OutboxBookkeeping {
  device: Omit<DeviceState, 'version'>;
  outbox: StoredEvent[];
}

export interface ImeiBody extends OutboxBookkeeping {
  record: Omit<ImeiRecord, 'version'>;
  outbox: StoredEvent[];
}

/** Collection `devices`: `_id` = device id; `ownerRef` on top for ListPendingSiblings by owner. */
export interface DeviceDocument extends GroupingDocumentFields, Partial<DeviceBody> {
  ownerRef: string;
}

/**
 * Collection `imeis`: `_id` = imei14, one grouping record per IMEI with its outbox of GroupingStatus.
 * It is the link collection: an IMEI's record names at most one device, and the record is created with
 * an insert on `_id` (FerretDB cannot enforce unique array elements, and indexes only `_id`).
 * Documents written before the link moved into the body keep `linkedDevice` ('' when none).
 */
export interface ImeiDocument extends GroupingDocumentFields, Partial<ImeiBody> {
  linkedDevice?: string;
}

/** An entity as decoded from its document, with its outbox bookkeeping. */
export interface Decoded<T> {
  state: T;
  outbox: StoredEvent[];
  outboxPending: boolean;
  outboxSentVersion: number;
}

/** Collection `conflicts`: `_id` = conflict id, a listing copy of the conflicts held on IMEI records. */
export interface ConflictDocument {
  _id: string;
  conflict: Conflict;
  resolved: boolean;
}

export const encodeBody = (body: DeviceBody | ImeiBody): Binary => new Binary(BSON.serialize(body));

// Mongo gives back null for fields stored as undefined: the domain distinguishes only undefined.
const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export function conflictFrom(stored: Conflict): Conflict {
  const conflict: Conflict = { ...stored, approvedAt: orUndefined(stored.approvedAt) };
  const resolution = orUndefined(stored.resolution);
  if (resolution === undefined) delete conflict.resolution;
  else conflict.resolution = resolution;
  return conflict;
}

function bodyOf<T>(doc: GroupingDocumentFields & Partial<T>): T {
  return doc.body === undefined ? (doc as unknown as T) : (BSON.deserialize(doc.body.buffer, { promoteBuffers: false }) as T);
}

const bookkeepingOf = (doc: GroupingDocumentFields, body: OutboxBookkeeping) => ({
  outboxPending: doc.outboxPending ?? body.outboxPending ?? false,
  outboxSentVersion: doc.outboxSentVersion ?? body.outboxSentVersion ?? 0,
});

/** A device document as the device at its version and its outbox. */
export function deviceOf(doc: DeviceDocument): Decoded<DeviceState> {
  const body = bodyOf<DeviceBody>(doc);
  return { state: { ...body.device, version: doc.version }, outbox: body.outbox ?? [], ...bookkeepingOf(doc, body) };
}

export const deviceFrom = (doc: DeviceDocument): DeviceState => deviceOf(doc).state;

/** An IMEI document as the record at its version and its outbox. */
export function imeiOf(doc: ImeiDocument): Decoded<ImeiRecord> {
  const body = bodyOf<ImeiBody>(doc);
  const r = body.record;
  const link = orUndefined<ImeiLink>(r.link);
  const state: ImeiRecord = {
    ...r,
    link: link === undefined ? undefined : { ...link, approvedAt: orUndefined(link.approvedAt) },
    conflicts: r.conflicts.map(conflictFrom),
    clone: orUndefined<CloneEvidence>(r.clone),
    version: doc.version,
  };
  return { state, outbox: body.outbox ?? [], ...bookkeepingOf(doc, body) };
}

export function withoutVersion<T extends { version: number }>(state: T): Omit<T, 'version'> {
  const { version: _version, ...rest } = state;
  return rest;
}
