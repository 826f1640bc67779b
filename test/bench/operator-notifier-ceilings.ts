/**
 * Ceilings of the work the block-list projection does per batch, measured on their own with the same
 * shapes (used by bench:notifier): FerretDB inserts of `block_list` documents (a first projection) and of
 * `block_list_changes` links (every later one: the projection's write shape for unblocks), the table
 * load over both (`BlockListStore.loadAll`), `_id` reads and, for comparison, version-guarded updates
 * (the write shape unblocks had before the links); and the broker's acknowledged sends of the same
 * records, ordered (idempotent, one request in flight) and not.
 */
import { BlockListEntry, ListReason, topics, type TopicSpec } from '@imei/contracts';
import { TopicProducer } from '@imei/kafka';
import { findByIds } from '@imei/mongo';
import { createTestTopic, deleteTopics, testKafka, testStore } from '@imei/testing';
import type { Db } from 'mongodb';

export interface CeilingOptions {
  /** The service's full table load (`new BlockListStore(db).loadAll()`). */
  loadAll: (db: Db) => Promise<Map<string, { blocked: unknown }>>;
  /** Changes per batch (the mean batch the projection saw). */
  batch: number;
  /** Batches in flight at once (the projection's partitions consumed concurrently). */
  concurrency: number;
  /** Documents / records per measurement. */
  total: number;
  out: (line: string) => void;
}

interface Doc { _id: string; listVersion: number; blocked: { imei14: string; imei: string; reason: number; blockedAtMs: number; listVersion: number } | null }
interface Link extends Doc { imei14: string; previousVersion: number }

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

export async function ceilings({ batch, concurrency, total, out, loadAll }: CeilingOptions): Promise<void> {
  const store = await testStore('notifier_ceiling');
  const collection = store.db.collection<Doc>('block_list');
  const links = store.db.collection<Link>('block_list_changes');
  const id = (i: number): string => `35${String(i).padStart(12, '0')}`;
  const doc = (i: number, listVersion: number): Doc => {
    const imei14 = id(i);
    return { _id: imei14, listVersion, blocked: { imei14, imei: imei14, reason: ListReason.LIST_REASON_GRACE_EXPIRED, blockedAtMs: Date.now(), listVersion } };
  };
  const shape = `batches of ${batch}, ${concurrency} in flight, ${total} documents`;
  const inserts = await rateOf(total, batch, concurrency, (from, to) => collection.insertMany(Array.from({ length: to - from }, (_, k) => doc(from + k, 2)), { ordered: false }));
  out(`ceiling FerretDB insertMany of block_list documents (${shape}): ${inserts.toFixed(0)} docs/s`);
  let scanStarted = Date.now();
  let scanned = 0;
  for await (const _ of collection.find({}, { batchSize: 10_000 })) scanned++;
  out(`scan of block_list alone (the table load before links): ${scanned} documents in ${Date.now() - scanStarted} ms (${Math.round(scanned / ((Date.now() - scanStarted) / 1000))} docs/s)`);
  // An unblock: the link out of version 2 (the key is the guard), version 3 not blocked.
  const linkInserts = await rateOf(total, batch, concurrency, (from, to) => links.insertMany(Array.from({ length: to - from }, (_, k) => {
    const imei14 = id(from + k);
    return { _id: `${imei14}@2`, imei14, previousVersion: 2, listVersion: 3, blocked: null };
  }), { ordered: false }));
  out(`ceiling FerretDB insertMany of block_list_changes links (unblock shape, ${shape}): ${linkInserts.toFixed(0)} docs/s`);
  scanStarted = Date.now();
  const table = await loadAll(store.db);
  const loadMs = Date.now() - scanStarted;
  const stillBlocked = [...table.values()].filter((p) => p.blocked).length;
  out(`projection table load (BlockListStore.loadAll: ${scanned} bases + ${total} links, ${table.size} IMEIs, ${stillBlocked} blocked): ${loadMs} ms (${Math.round((scanned + total) / (loadMs / 1000))} docs/s, ${Math.round(table.size / (loadMs / 1000))} IMEIs/s)`);
  const reads = await rateOf(total, batch, concurrency, (from, to) => findByIds(collection, Array.from({ length: to - from }, (_, k) => id(from + k))));
  out(`ceiling FerretDB _id reads (findByIds, 32 per batch in flight, ${shape}): ${reads.toFixed(0)} reads/s`);
  const updates = await rateOf(total, batch, concurrency, (from, to) => collection.bulkWrite(
    Array.from({ length: to - from }, (_, k) => ({ updateOne: { filter: { _id: id(from + k), listVersion: 2 }, update: { $set: { listVersion: 3, blocked: null } } } })),
    { ordered: false },
  ));
  out(`ceiling FerretDB version-guarded updates (the former unblock shape, one bulkWrite per batch, ${shape}): ${updates.toFixed(0)} updates/s`);
  // With the in-process table the projection reads nothing: a block is a base insert, an unblock a link insert.
  out(`ceiling FerretDB per change kind (projection table, no reads): first and block ${inserts.toFixed(0)}/s (base insert), unblock ${linkInserts.toFixed(0)}/s (link insert; as a guarded update it was ${updates.toFixed(0)}/s)`);
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
