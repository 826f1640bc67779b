import type { AnyBulkWriteOperation, Collection, Filter, OptionalUnlessRequiredId } from 'mongodb';
import { findByIds } from '@imei/mongo';
import { VersionConflictError, type StoredChange, type StoredEvent } from '@imei/outbox';
import { encodeBody, type DeviceBody, type GroupingDocumentFields, type ImeiBody } from './grouping-documents';
import type { Loaded } from './grouping-repository';

/*
 * Entity changes as grouping documents (one document write per change, with its events and their
 * bookkeeping in the body) and their writes: inserts for new entities, version-guarded updates.
 */

/** A change in document form, written in one document write with its events. */
export interface DocumentChange<TDoc extends GroupingDocumentFields> {
  id: string;
  /** Version the change was decided against; 0 for a new entity (inserted, so a rival's insert fails on `_id`). */
  expectedVersion: number;
  /** Fields kept on top of the document (queried). */
  fields: Omit<TDoc, keyof GroupingDocumentFields | keyof DeviceBody | keyof ImeiBody>;
  /** The entity, encoded in the body with the outbox. */
  entity: Omit<DeviceBody, 'outbox'> | Omit<ImeiBody, 'outbox'>;
  events: StoredEvent[];
  before: Loaded<{ version: number }> | undefined;
}

/** Top-level fields of older document forms, which the body now holds (they would shadow it). */
export const LEGACY_FIELDS = { outboxPending: '', outboxSentVersion: '', linkedDevice: '' };

/** Version-guarded updates per bulkWrite; a flush sends its chunks at once. */
const UPDATE_CHUNK = 250;

/** Sent events each document keeps for replays (with the pending ones). */
const RETAINED_EVENTS = 8;

/** A stored change with what the entity's next change needs (its outbox, what it had published). */
export interface StoredDocument extends StoredChange {
  outbox: StoredEvent[];
  sentVersion: number;
}

/** Changes as documents, ready to write. */
export interface PreparedDocuments<TDoc extends GroupingDocumentFields> {
  collection: Collection<TDoc>;
  batchId: string;
  /** In the order of the writes they were prepared from. */
  stored: StoredDocument[];
  inserts: OptionalUnlessRequiredId<TDoc>[];
  updates: AnyBulkWriteOperation<TDoc>[];
}

/** Ids whose write failed on a duplicate `_id` (insertMany, unordered); rethrows anything else. */
function duplicateIds(error: unknown, ids: readonly string[]): string[] {
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  const errors = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]) as { index: number; code: number }[];
  if ((error as { code?: number }).code !== 11000 && (errors.length === 0 || errors.some((e) => e.code !== 11000))) throw error;
  return errors.map((e) => ids[e.index]!);
}

export function prepareDocuments<TDoc extends GroupingDocumentFields>(collection: Collection<TDoc>, changes: readonly DocumentChange<TDoc>[], batchId: string): PreparedDocuments<TDoc> {
  const stored: StoredDocument[] = [];
  const inserts: OptionalUnlessRequiredId<TDoc>[] = [];
  const updates: AnyBulkWriteOperation<TDoc>[] = [];
  for (const change of changes) {
    const version = change.expectedVersion + 1;
    const before = change.before;
    const outbox = [...(before?.outbox ?? []).slice(-Math.max(0, RETAINED_EVENTS - change.events.length)), ...change.events];
    // What the previous version published is known here: carried forward instead of a write per entity.
    const sentVersion = before === undefined ? 0 : before.outboxPending ? before.outboxSentVersion : before.state.version;
    stored.push({ id: change.id, version, events: change.events, outbox, sentVersion });
    const body = encodeBody({ ...change.entity, outbox, outboxPending: change.events.length > 0, outboxSentVersion: sentVersion } as DeviceBody | ImeiBody);
    const fields = { ...change.fields, version, outboxBatch: batchId, body };
    if (change.expectedVersion === 0) inserts.push({ _id: change.id, ...fields } as unknown as OptionalUnlessRequiredId<TDoc>);
    else {
      // Fields of the older document forms go: the body holds them now (they would shadow it).
      // An $unset costs ~25 % of an update in FerretDB: only for documents that have those fields.
      const update = before?.legacyFields === true ? { $set: fields, $unset: LEGACY_FIELDS } : { $set: fields };
      updates.push({ updateOne: { filter: { _id: change.id, version: change.expectedVersion } as Filter<TDoc>, update: update as never } } as AnyBulkWriteOperation<TDoc>);
    }
  }
  return { collection, batchId, stored, inserts, updates };
}

/**
 * Writes prepared documents: one insertMany for new entities and bulkWrites of version-guarded updates
 * (all unordered, at once). Throws VersionConflictError naming the entities a rival wrote first.
 */
export async function writeDocuments<TDoc extends GroupingDocumentFields>(prepared: PreparedDocuments<TDoc>): Promise<void> {
  const { collection, inserts, updates, batchId } = prepared;
  const lost: string[] = [];
  await Promise.all([
    inserts.length === 0 ? undefined : collection
      .insertMany(inserts, { ordered: false })
      .catch((error: unknown) => void lost.push(...duplicateIds(error, inserts.map((d) => d._id as string)))),
    updates.length === 0 ? undefined : (async () => {
      // In chunks at once: FerretDB runs one update statement after the other, reading and converting each.
      const chunks = Array.from({ length: Math.ceil(updates.length / UPDATE_CHUNK) }, (_, i) => updates.slice(i * UPDATE_CHUNK, (i + 1) * UPDATE_CHUNK));
      const results = await Promise.all(chunks.map((chunk) => collection.bulkWrite(chunk, { ordered: false })));
      if (results.reduce((n, r) => n + r.matchedCount, 0) === updates.length) return;
      const ids = updates.map((op) => (op as { updateOne: { filter: { _id: string } } }).updateOne.filter._id);
      const docs = await findByIds(collection, ids, { projection: { outboxBatch: 1 } });
      const ours = new Set(docs.filter((d) => d.outboxBatch === batchId).map((d) => d._id as string));
      lost.push(...ids.filter((id) => !ours.has(id)));
    })(),
  ]);
  if (lost.length > 0) {
    const failed = new Set(lost);
    throw new VersionConflictError(lost, prepared.stored.filter((s) => !failed.has(s.id)));
  }
}
