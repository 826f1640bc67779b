import { topics, type ListChange, type TopicSpec } from '@imei/contracts';
import { canonicalImei, startOfAlmatyDay } from '@imei/imei-rules';
import { storedEvent, type StoredEvent } from '@imei/outbox';
import type { Context } from '@opentelemetry/api';
import type { AuditRecord, ListEntry } from '../domain/list-entry';
import { listReasonToProto, listStateToProto } from './list-enums';

/** The ListChange announcing `entry` as it stands after its audit record `record`. */
export function listChangeOf(entry: ListEntry, record: AuditRecord): ListChange {
  return {
    imei14: entry.imei14,
    imei: canonicalImei(entry.imei14),
    state: listStateToProto(entry.state),
    reason: listReasonToProto(entry.reason),
    previousState: listStateToProto(record.from),
    blockDate: entry.blockDate === null ? undefined : new Date(startOfAlmatyDay(entry.blockDate)),
    deviceId: entry.deviceId,
    version: entry.version,
    changedAt: new Date(record.at),
    cause: record.cause,
    actor: record.actor,
  };
}

/** The outbox event (topic imei.list-changes.v1, key imei14) of the entry's latest transition. */
export function listChangeEvent(entry: ListEntry, traceContext: Context | undefined, spec: TopicSpec<ListChange> = topics.listChanges): StoredEvent {
  const record = entry.recent[entry.recent.length - 1]!;
  return storedEvent(spec, entry.imei14, listChangeOf(entry, record), entry.version, record.cause, traceContext);
}
