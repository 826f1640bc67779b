import type { OutboxFields } from '@imei/outbox';
import type { DeviceState } from '../domain/device';
import type { CloneEvidence, Conflict } from '../domain/grouping-events';
import type { ImeiLink, ImeiRecord } from '../domain/imei-record';

/** Outbox fields of grouping documents: `outboxBatch` is the outbox batch that wrote the current version (see OutboxLedger). */
export interface GroupingDocumentFields extends OutboxFields {
  outboxBatch?: string;
}

/** Collection `devices`: `_id` = device id; the device plus its outbox of DeviceEvents. */
export interface DeviceDocument extends GroupingDocumentFields {
  device: Omit<DeviceState, 'version'>;
  /** On top for ListPendingSiblings by owner. */
  ownerRef: string;
}

/**
 * Collection `imeis`: `_id` = imei14, one grouping record per IMEI with its outbox of GroupingStatus.
 * It is the link collection: an IMEI's record names at most one device, and the record is created with
 * an insert-if-absent on `_id` (FerretDB cannot enforce unique array elements, and indexes only `_id`).
 */
export interface ImeiDocument extends GroupingDocumentFields {
  record: Omit<ImeiRecord, 'version'>;
  /** Number of open conflicts, on top for ListConflicts' scan. */
  openConflicts: number;
}

/** Collection `conflicts`: `_id` = conflict id, a listing copy of the conflicts held on IMEI records. */
export interface ConflictDocument {
  _id: string;
  conflict: Conflict;
  resolved: boolean;
}

// Mongo gives back null for fields stored as undefined: the domain distinguishes only undefined.
const orUndefined = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

export function conflictFrom(stored: Conflict): Conflict {
  const conflict: Conflict = { ...stored, approvedAt: orUndefined(stored.approvedAt) };
  const resolution = orUndefined(stored.resolution);
  if (resolution === undefined) delete conflict.resolution;
  else conflict.resolution = resolution;
  return conflict;
}

export function deviceFrom(doc: DeviceDocument): DeviceState {
  return { ...doc.device, version: doc.version };
}

export function imeiRecordFrom(doc: ImeiDocument): ImeiRecord {
  const r = doc.record;
  const link = orUndefined<ImeiLink>(r.link);
  return {
    ...r,
    link: link === undefined ? undefined : { ...link, approvedAt: orUndefined(link.approvedAt) },
    conflicts: r.conflicts.map(conflictFrom),
    clone: orUndefined<CloneEvidence>(r.clone),
    version: doc.version,
  };
}

export function withoutVersion<T extends { version: number }>(state: T): Omit<T, 'version'> {
  const { version: _version, ...rest } = state;
  return rest;
}
