/**
 * bench:notifier — operator-notifier figures on the local stack (own topics and database):
 *  1. latency from a list change committed on the list-changes topic to its block-list record read by an
 *     operator-style consumer, p50/p99, at a sustained rate (BENCH_RATE changes/s for BENCH_SECONDS);
 *  2. time for a new operator to load a BENCH_LOAD_ENTRIES-entry block list from the beginning of the topic.
 * Defaults are modest for a shared machine: BENCH_RATE=1000, BENCH_SECONDS=10, BENCH_LOAD_ENTRIES=200000.
 *   npm run bench:notifier
 */
import { join } from 'node:path';
import { BlockListEntry, ListChange, ListReason, ListState, topics, type TopicSpec } from '@imei/contracts';
import { runConsumer, TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';

// The service is not a project reference of test/: load its compiled adapters.
const dist = join(__dirname, '..', '..', '..', 'services', 'operator-notifier', 'dist', 'adapters');
const { notifierApp } = require(join(dist, 'notifier-app')) as { notifierApp: (o: unknown) => { blockListConsumer: never } };
const { readBlockListSnapshot } = require(join(dist, 'block-list-snapshot')) as { readBlockListSnapshot: (k: unknown, t: string, g: string) => Promise<{ entries: Map<string, Buffer> }> };

const rate = Number(process.env.BENCH_RATE ?? 1000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const loadEntries = Number(process.env.BENCH_LOAD_ENTRIES ?? 200_000);
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function latency(): Promise<void> {
  const kafka = testKafka();
  const listChanges = await createTestTopic(topics.listChanges, kafka);
  const blockList = await createTestTopic(topics.blockList, kafka);
  const store = await testStore('notifier_bench');
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const logger = createLogger('notifier-bench', 'silent');
  const app = notifierApp({
    db: store.db, kafka, producer, logger, clock: Date.now, edge: { authenticator: { authenticate: () => ({ principal: 'x', role: 'service' }) }, logger },
    topics: { listChanges, blockList, observations: topics.observations }, readerGroupPrefix: uniqueName('operator-notifier.bench'), tombstoneRetentionMs: 30 * 86_400_000,
  });
  const notifier = await runConsumer({ kafka, service: 'operator-notifier', groupId: uniqueName('operator-notifier.bench'), handlers: app.blockListConsumer, producer, logger, partitionsConsumedConcurrently: 6 });
  const latencies: number[] = [];
  const operator = kafka.consumer({ groupId: uniqueName('op-kcell.bench'), maxWaitTimeInMs: 50 });
  await operator.connect();
  await operator.subscribe({ topic: blockList.name, fromBeginning: true });
  await operator.run({ eachBatch: async ({ batch }) => {
    const now = Date.now();
    for (const m of batch.messages) if (m.value) latencies.push(now - Number(BlockListEntry.decode(m.value).blockedAt!.getTime()));
  } });
  const sender = new TopicProducer(kafka);
  await sender.connect();
  const total = rate * seconds;
  const tick = 100;
  const perTick = Math.max(1, Math.round((rate * tick) / 1000));
  let sent = 0;
  const started = Date.now();
  while (sent < total) {
    const batch: ListChange[] = [];
    // changed_at = when the change is sent: the record's blocked_at carries it to the operator.
    const at = new Date();
    for (let i = 0; i < perTick && sent < total; i++, sent++) {
      const imei14 = `35${String(sent).padStart(12, '0')}`;
      batch.push({ imei14, imei: imei14, state: ListState.LIST_STATE_BLACK, reason: ListReason.LIST_REASON_GRACE_EXPIRED, previousState: ListState.LIST_STATE_GREY, blockDate: undefined, deviceId: '', version: 1, changedAt: at, cause: 'bench', actor: 'bench' });
    }
    await sender.send(listChanges as TopicSpec<ListChange>, batch.map((value) => ({ key: value.imei14, value })));
    const wait = started + (sent / rate) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  const sendSeconds = (Date.now() - started) / 1000;
  await waitFor('all records read by the operator', () => latencies.length >= total, 600_000, 200);
  const sorted = [...latencies].sort((a, b) => a - b);
  process.stdout.write(`latency: ${total} changes at ${(total / sendSeconds).toFixed(0)}/s offered (target ${rate}/s): p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted.at(-1)} ms\n`);
  await operator.disconnect();
  await notifier.stop();
  await sender.disconnect();
  await producer.disconnect();
  await store.drop();
  await deleteTopics([listChanges.name, blockList.name], kafka);
}

async function load(): Promise<void> {
  const kafka = testKafka();
  const blockList = await createTestTopic(topics.blockList, kafka);
  const producer = new TopicProducer(kafka, { ordered: false });
  await producer.connect();
  for (let i = 0; i < loadEntries; i += 5000) {
    const records = [];
    for (let j = i; j < Math.min(loadEntries, i + 5000); j++) {
      const imei14 = `86${String(j).padStart(12, '0')}`;
      records.push({ key: imei14, value: { imei14, imei: imei14, reason: ListReason.LIST_REASON_GRACE_EXPIRED, blockedAt: new Date(), listVersion: 1 } });
    }
    await producer.send(blockList as TopicSpec<BlockListEntry>, records);
  }
  await producer.disconnect();
  const started = Date.now();
  const snapshot = await readBlockListSnapshot(testKafka(), blockList.name, uniqueName('op-kcell.load'));
  const ms = Date.now() - started;
  process.stdout.write(`load: a new operator read ${snapshot.entries.size} entries from the beginning in ${ms} ms (${Math.round(snapshot.entries.size / (ms / 1000))} entries/s)\n`);
  await deleteTopics([blockList.name], kafka);
}

latency().then(load).then(() => process.exit(0), (error) => {
  process.stderr.write(`bench:notifier: ${(error as Error).stack}\n`);
  process.exit(1);
});
