/**
 * Ceilings of the work the block-list projection does per batch, measured on their own with the same
 * shapes (used by bench:notifier): FerretDB inserts, `_id` reads and version-guarded updates of
 * `block_list` documents, and the broker's acknowledged sends of the same records, ordered
 * (idempotent, one request in flight) and not.
 */
import { BlockListEntry, ListReason, topics, type TopicSpec } from '@imei/contracts';
import { TopicProducer } from '@imei/kafka';
import { findByIds } from '@imei/mongo';
import { createTestTopic, deleteTopics, testKafka, testStore } from '@imei/testing';

export interface CeilingOptions {
  /** Changes per batch (the mean batch the projection saw). */
  batch: number;
  /** Batches in flight at once (the projection's partitions consumed concurrently). */
  concurrency: number;
  /** Documents / records per measurement. */
  total: number;
  out: (line: string) => void;
}

interface Doc { _id: string; listVersion: number; blocked: { imei14: string; imei: string; reason: number; blockedAtMs: number; listVersion: number } | null }

/** Runs `work` on `total` items in batches of `batch`, `concurrency` batches at a time; items per second. */
async function rateOf(total: number, batch: number, concurrency: number, work: (from: number, to: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = Date.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) {
      const from = next;
      next = Math.min(total, next + batch);
      await work(from, next);
    }
  }));
  return total / ((Date.now() - started) / 1000);
}

export async function ceilings({ batch, concurrency, total, out }: CeilingOptions): Promise<void> {
  const store = await testStore('notifier_ceiling');
  const collection = store.db.collection<Doc>('block_list');
  const id = (i: number): string => `35${String(i).padStart(12, '0')}`;
  const doc = (i: number, listVersion: number): Doc => {
    const imei14 = id(i);
    return { _id: imei14, listVersion, blocked: { imei14, imei: imei14, reason: ListReason.LIST_REASON_GRACE_EXPIRED, blockedAtMs: Date.now(), listVersion } };
  };
  const shape = `batches of ${batch}, ${concurrency} in flight, ${total} documents`;
  const inserts = await rateOf(total, batch, concurrency, (from, to) => collection.insertMany(Array.from({ length: to - from }, (_, k) => doc(from + k, 2)), { ordered: false }));
  out(`ceiling FerretDB insertMany of block_list documents (${shape}): ${inserts.toFixed(0)} docs/s`);
  const scanStarted = Date.now();
  let scanned = 0;
  for await (const _ of collection.find({}, { batchSize: 10_000 })) scanned++;
  out(`projection table load (one scan of block_list): ${scanned} documents in ${Date.now() - scanStarted} ms (${Math.round(scanned / ((Date.now() - scanStarted) / 1000))} docs/s)`);
  const reads = await rateOf(total, batch, concurrency, (from, to) => findByIds(collection, Array.from({ length: to - from }, (_, k) => id(from + k))));
  out(`ceiling FerretDB _id reads (findByIds, 32 per batch in flight, ${shape}): ${reads.toFixed(0)} reads/s`);
  const updates = await rateOf(total, batch, concurrency, (from, to) => collection.bulkWrite(
    Array.from({ length: to - from }, (_, k) => ({ updateOne: { filter: { _id: id(from + k), listVersion: 2 }, update: { $set: { listVersion: 3, blocked: null } } } })),
    { ordered: false },
  ));
  out(`ceiling FerretDB version-guarded updates (one bulkWrite per batch, ${shape}): ${updates.toFixed(0)} updates/s`);
  // With the in-process table the projection reads nothing: a block is an insert, an unblock an update.
  out(`ceiling FerretDB per change kind (projection table, no reads): first and block ${inserts.toFixed(0)}/s (insert), unblock ${updates.toFixed(0)}/s (update); with a read per change they would be ${(1 / (1 / reads + 1 / inserts)).toFixed(0)}/s and ${(1 / (1 / reads + 1 / updates)).toFixed(0)}/s`);
  await store.drop();

  const kafka = testKafka();
  const blockList = await createTestTopic(topics.blockList, kafka);
  const entry = (i: number): BlockListEntry => ({ imei14: id(i), imei: id(i), reason: ListReason.LIST_REASON_GRACE_EXPIRED, blockedAt: new Date(), listVersion: 2 });
  for (const ordered of [true, false]) {
    const producer = new TopicProducer(kafka, { ordered });
    await producer.connect();
    const sends = await rateOf(total, batch, concurrency, (from, to) => producer.send(blockList as TopicSpec<BlockListEntry>, Array.from({ length: to - from }, (_, k) => ({ key: id(from + k), value: entry(from + k) }))));
    out(`ceiling broker sends of block-list records (${ordered ? 'ordered: idempotent, 1 in flight' : 'unordered: 5 in flight'}, ${shape.replace('documents', 'records')}): ${sends.toFixed(0)} records/s`);
    await producer.disconnect();
  }
  await deleteTopics([blockList.name], kafka);
}
