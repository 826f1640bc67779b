import { randomBytes } from 'node:crypto';
import { Binary, BSON, type Db } from 'mongodb';
import { findByIds } from '@imei/mongo';

/** One entity version a flush stores (an object: FerretDB 1.x stores no nested arrays). */
export interface LedgerEntry {
  collection: 'imeis' | 'devices';
  id: string;
  version: number;
}

/**
 * Collection `outbox_batches`: `_id` = batch id (time-ordered) → the entity versions one flush is about
 * to store. Written before the entity documents, deleted once their events are published: an open
 * entry is what the sweep re-publishes after a crash. Marking a whole batch sent is one delete, where
 * marking each entity sent would be one update per entity (FerretDB: 5–9k updates/s).
 */
export interface LedgerDocument {
  _id: string;
  /** BSON of `{ entries: LedgerEntry[] }`: thousands of entries as one field insert in milliseconds. */
  body: Binary;
}

/** An open batch as the sweep reads it. */
export interface OpenBatch {
  id: string;
  entries: LedgerEntry[];
}

let sequence = 0;

export class OutboxLedger {
  constructor(private readonly db: Db) {}

  private get batches() {
    return this.db.collection<LedgerDocument>('outbox_batches');
  }

  /** A new batch id: sorts by creation time, unique across processes. */
  newBatchId(): string {
    sequence = (sequence + 1) % 1_000_000;
    return `${Date.now().toString(36).padStart(9, '0')}-${String(sequence).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  }

  async open(batchId: string, entries: readonly LedgerEntry[]): Promise<void> {
    await this.batches.insertOne({ _id: batchId, body: new Binary(BSON.serialize({ entries })) });
  }

  async close(batchIds: readonly string[]): Promise<void> {
    await Promise.all(batchIds.map((id) => this.batches.deleteOne({ _id: id })));
  }

  /** Which of these batches are still open (their events may not have been published). */
  async openOf(batchIds: Iterable<string>): Promise<Set<string>> {
    const ids = [...new Set(batchIds)];
    if (ids.length === 0) return new Set();
    return new Set((await findByIds(this.batches, ids, { projection: { _id: 1 } })).map((d) => d._id));
  }

  /** Every open batch, oldest first (the collection holds only batches in flight or left by a crash). */
  async allOpen(): Promise<OpenBatch[]> {
    const docs = await this.batches.find({}).sort({ _id: 1 }).toArray();
    return docs.map((d) => ({ id: d._id, entries: (BSON.deserialize(d.body.buffer) as { entries: LedgerEntry[] }).entries }));
  }
}
