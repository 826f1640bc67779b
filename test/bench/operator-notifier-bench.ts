/**
 * bench:notifier — operator-notifier figures on the local stack (own topics, database and groups; the
 * notifier's projection in-process with the service's own consumer options):
 *  1. latency from a list change acknowledged on the list-changes topic to its block-list record (or
 *     tombstone) read by an operator-credentialed consumer (op-kcell), p50/p99, at BENCH_RATE changes/s
 *     for BENCH_SECONDS, for each change kind of BENCH_KINDS:
 *       first   — an IMEI's first version is black (a block_list insert; no store read: in-process table)
 *       block   — version 2 black after a grey that never reached the block list (a block_list insert)
 *       unblock — version 3 white of a blocked IMEI (a block_list_changes link insert keyed by version 2)
 *     and each producer of BENCH_PRODUCERS: ordered (idempotent, one request in flight: the service's) or
 *     unordered (5 in flight, not idempotent), to price per-key ordering;
 *     then (BENCH_DRAIN, default 1) each kind drained: all changes on the topic before the notifier starts,
 *     how many per second it gets through (its own ceiling);
 *  2. the ceilings of the same work: FerretDB (insertMany of bases and of links, the table load over both,
 *     _id reads, and guarded updates for comparison, in the batch sizes the projection saw) and the
 *     broker (sends of the same records);
 *  3. the time for a new operator (op-kcell) to load a BENCH_LOAD_ENTRIES-entry block list from the
 *     beginning of the topic to its end offsets.
 * BENCH_CEILINGS=0 skips part 2. Defaults: BENCH_RATE=5000 BENCH_SECONDS=20 BENCH_KINDS=first,block,unblock BENCH_PRODUCERS=ordered,unordered
 * BENCH_LOAD_ENTRIES=1000000.   flock /tmp/bench.lock npm run bench:notifier
 */
import { join } from 'node:path';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes, type Kafka } from 'kafkajs';
import { ListChange, ListReason, ListState, topics, type BlockListEntry, type TopicSpec } from '@imei/contracts';
import { runConsumer, TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import type { Db } from 'mongodb';
import { ceilings } from './operator-notifier-ceilings';

// The service is not a project reference of test/: load its compiled adapters.
const dist = join(__dirname, '..', '..', '..', 'services', 'operator-notifier', 'dist', 'adapters');
const { notifierApp, BLOCK_LIST_CONSUMER_OPTIONS } = require(join(dist, 'notifier-app')) as {
  notifierApp: (o: unknown) => { blockListConsumer: never; noticeScheduleConsumer: never; projectionTable: { resetOnRebalance(c: unknown): void } };
  BLOCK_LIST_CONSUMER_OPTIONS: { partitionsConsumedConcurrently: number };
};
const { BlockListStore } = require(join(dist, 'block-list-store')) as { BlockListStore: new (db: Db) => { loadAll(): Promise<Map<string, { blocked: unknown }>> } };
const { readBlockListSnapshot } = require(join(dist, 'block-list-snapshot')) as { readBlockListSnapshot: (k: Kafka, t: string, g: string) => Promise<{ entries: Map<string, Buffer> }> };

type Kind = 'first' | 'block' | 'unblock';
const rate = Number(process.env.BENCH_RATE ?? 5000);
const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const kinds = (process.env.BENCH_KINDS ?? 'first,block,unblock').split(',') as Kind[];
const producers = (process.env.BENCH_PRODUCERS ?? 'ordered,unordered').split(',');
const loadEntries = Number(process.env.BENCH_LOAD_ENTRIES ?? 1_000_000);
const drains = process.env.BENCH_DRAIN !== '0';
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const out = (line: string): void => void process.stdout.write(`${line}\n`);

/** Lets op-kcell read a bench topic (the registry's ACLs name the real topic only); returns the revoke. */
async function grantOperatorRead(kafka: Kafka, topic: string): Promise<() => Promise<void>> {
  const acl = { resourceType: AclResourceTypes.TOPIC, resourceName: topic, resourcePatternType: ResourcePatternTypes.LITERAL, principal: 'User:op-kcell', host: '*', permissionType: AclPermissionTypes.ALLOW };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createAcls({ acl: [AclOperationTypes.READ, AclOperationTypes.DESCRIBE].map((operation) => ({ ...acl, operation })) });
  return async () => {
    await admin.deleteAcls({ filters: [{ ...acl, operation: AclOperationTypes.ANY }] }).catch(() => undefined);
    await admin.disconnect();
  };
}

function change(imei14: string, version: number, state: ListState): ListChange {
  const black = state === ListState.LIST_STATE_BLACK;
  return { imei14, imei: imei14, state, reason: black ? ListReason.LIST_REASON_GRACE_EXPIRED : ListReason.LIST_REASON_OFFICER_UNBLOCK, previousState: black ? ListState.LIST_STATE_GREY : ListState.LIST_STATE_BLACK, blockDate: undefined, deviceId: '', version, changedAt: new Date(), cause: 'bench', actor: 'bench' };
}

/** Sends `changes` at `rate`/s in 20 ms ticks; `sentAt` gets each key's time just before its send. */
async function sendAtRate(sender: TopicProducer, spec: TopicSpec<ListChange>, changes: ListChange[], sentAt: Map<string, number>, perSecond: number): Promise<number> {
  const tick = 20;
  const perTick = Math.max(1, Math.round((perSecond * tick) / 1000));
  const started = Date.now();
  for (let i = 0; i < changes.length; i += perTick) {
    const batch = changes.slice(i, i + perTick);
    const now = Date.now();
    for (const c of batch) sentAt.set(c.imei14, now);
    await sender.send(spec, batch.map((value) => ({ key: value.imei14, value })));
    const wait = started + ((i + batch.length) / perSecond) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return changes.length / ((Date.now() - started) / 1000);
}

interface RunResult { batchSizes: number[]; processedPerSecond: number }

/**
 * One run of the projection for `kind` with the notifier's producer in `producerMode`. At a rate:
 * latency per change. Draining (`drain`): every change is on the topic before the notifier starts, and
 * the figure is how fast it gets through them (its ceiling, to compare with the store's and broker's).
 */
async function run(kind: Kind, producerMode: string, drain: boolean): Promise<RunResult> {
  const kafka = testKafka();
  const listChanges = await createTestTopic(topics.listChanges, kafka);
  const blockList = await createTestTopic(topics.blockList, kafka);
  const revoke = await grantOperatorRead(kafka, blockList.name);
  const store = await testStore('notifier_bench');
  const producer = new TopicProducer(kafka, { ordered: producerMode === 'ordered' });
  await producer.connect();
  const logger = createLogger('notifier-bench', 'silent');
  const batchSizes: number[] = [];
  const app = notifierApp({
    db: store.db, kafka, producer, logger, clock: Date.now, edge: { authenticator: { authenticate: () => ({ principal: 'x', role: 'service' }) }, logger },
    topics: { listChanges, blockList, observations: topics.observations }, readerGroupPrefix: uniqueName('operator-notifier.bench'), tombstoneRetentionMs: 30 * 86_400_000,
    onBlockListBatch: (o: { changes: number }) => void batchSizes.push(o.changes),
  });
  const notifierGroup = uniqueName('operator-notifier.bench');
  const noticeGroup = uniqueName('operator-notifier.bench-notices');
  /** The service's two list-change consumers: the block list, and the notice schedule beside it. */
  const startNotifier = async () => {
    const consumer = await runConsumer({ kafka, service: 'operator-notifier', groupId: notifierGroup, handlers: app.blockListConsumer, producer, logger, ...BLOCK_LIST_CONSUMER_OPTIONS });
    app.projectionTable.resetOnRebalance(consumer.consumer);
    const notices = await runConsumer({ kafka, service: 'operator-notifier', groupId: noticeGroup, handlers: app.noticeScheduleConsumer, producer, logger });
    return { stop: () => Promise.all([consumer.stop(), notices.stop()]) };
  };
  const sender = new TopicProducer(kafka);
  await sender.connect();
  const total = rate * seconds;
  const ids = Array.from({ length: total }, (_, i) => `35${String(i).padStart(12, '0')}`);
  const sendAll = async (changes: ListChange[]): Promise<void> => {
    for (let i = 0; i < changes.length; i += 5000) await sender.send(listChanges, changes.slice(i, i + 5000).map((value) => ({ key: value.imei14, value })));
  };
  const readAt = new Map<string, number>();
  const blocked = new Set<string>();
  const operator = testKafka('op-kcell').consumer({ groupId: uniqueName('op-kcell.bench'), maxWaitTimeInMs: 50 });
  await operator.connect();
  await operator.subscribe({ topic: blockList.name, fromBeginning: true });
  await operator.run({ eachBatch: async ({ batch }) => {
    const now = Date.now();
    for (const m of batch.messages) {
      if (!m.key) continue;
      const key = m.key.toString();
      if (m.value) blocked.add(key);
      if ((kind === 'unblock') === (m.value === null)) readAt.set(key, now);
    }
  } });
  let notifier = drain ? undefined : await startNotifier();
  if (kind === 'unblock') {
    // Blocked first (not measured), then unblocked.
    notifier ??= await startNotifier();
    await sendAll(ids.map((id) => change(id, 2, ListState.LIST_STATE_BLACK)));
    await waitFor('IMEIs blocked before the unblocks', () => blocked.size >= total, 600_000, 200);
    if (drain) {
      await notifier.stop();
      notifier = undefined;
    }
  }
  batchSizes.length = 0;
  const version = kind === 'first' ? 1 : kind === 'block' ? 2 : 3;
  const changes = ids.map((id) => change(id, version, kind === 'unblock' ? ListState.LIST_STATE_WHITE : ListState.LIST_STATE_BLACK));
  const sentAt = new Map<string, number>();
  let started = Date.now();
  let offered = 0;
  if (drain) {
    await sendAll(changes);
    started = Date.now();
    notifier = await startNotifier();
  } else offered = await sendAtRate(sender, listChanges, changes, sentAt, rate);
  await waitFor('all records read by the operator', () => readAt.size >= total, 900_000, 100);
  const lastRead = Math.max(...readAt.values());
  const processedPerSecond = total / ((lastRead - started) / 1000);
  const meanBatch = batchSizes.reduce((s, b) => s + b, 0) / Math.max(1, batchSizes.length);
  const batches = `${batchSizes.length} batches, mean ${meanBatch.toFixed(0)} changes`;
  if (drain) out(`drain ${kind} (${producerMode} producer): ${total} changes already on the topic processed and read by the operator at ${processedPerSecond.toFixed(0)}/s; ${batches}`);
  else {
    const sorted = ids.map((id) => readAt.get(id)! - sentAt.get(id)!).sort((a, b) => a - b);
    out(`latency ${kind} (${producerMode} producer): ${total} changes at ${offered.toFixed(0)}/s offered (target ${rate}/s): p50 ${pct(sorted, 50)} ms, p99 ${pct(sorted, 99)} ms, max ${sorted.at(-1)} ms; ${batches}`);
  }
  await operator.disconnect();
  await notifier?.stop();
  await sender.disconnect();
  await producer.disconnect();
  await revoke();
  await store.drop();
  await deleteTopics([listChanges.name, blockList.name], kafka);
  return { batchSizes, processedPerSecond };
}

async function load(): Promise<void> {
  const kafka = testKafka();
  const blockList = await createTestTopic(topics.blockList, kafka);
  const revoke = await grantOperatorRead(kafka, blockList.name);
  const producer = new TopicProducer(kafka, { ordered: false });
  await producer.connect();
  const blockedAt = new Date();
  for (let i = 0; i < loadEntries; i += 10_000) {
    const records = [];
    for (let j = i; j < Math.min(loadEntries, i + 10_000); j++) {
      const imei14 = `86${String(j).padStart(12, '0')}`;
      records.push({ key: imei14, value: { imei14, imei: imei14, reason: ListReason.LIST_REASON_GRACE_EXPIRED, blockedAt, listVersion: 2 } });
    }
    await producer.send(blockList as TopicSpec<BlockListEntry>, records);
  }
  await producer.disconnect();
  const started = Date.now();
  const snapshot = await readBlockListSnapshot(testKafka('op-kcell'), blockList.name, uniqueName('op-kcell.load'));
  const ms = Date.now() - started;
  out(`load: a new operator (op-kcell) read ${snapshot.entries.size} entries from the beginning to the end offsets in ${ms} ms (${Math.round(snapshot.entries.size / (ms / 1000))} entries/s)`);
  await revoke();
  await deleteTopics([blockList.name], kafka);
}

async function main(): Promise<void> {
  const sizes: number[] = [];
  for (const kind of kinds) {
    for (const mode of producers) sizes.push(...(await run(kind, mode, false)).batchSizes);
  }
  if (drains) for (const kind of kinds) await run(kind, 'ordered', true);
  if (sizes.length > 0 && process.env.BENCH_CEILINGS !== '0') await ceilings({ batch: Math.max(1, Math.round(sizes.reduce((s, b) => s + b, 0) / sizes.length)), concurrency: BLOCK_LIST_CONSUMER_OPTIONS.partitionsConsumedConcurrently, total: Math.min(rate * seconds, 100_000), out, loadAll: (db) => new BlockListStore(db).loadAll() });
  if (loadEntries > 0) await load();
}

main().then(() => process.exit(0), (error) => {
  process.stderr.write(`bench:notifier: ${(error as Error).stack}\n`);
  process.exit(1);
});
