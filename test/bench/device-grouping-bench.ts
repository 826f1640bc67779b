/**
 * npm run bench:device-grouping — device-grouping figures (a benchmark, not a timed test), against the
 * compiled service on the local stack, with topics, consumer groups and a database of its own (so a mesh on
 * the same broker neither feeds it nor publishes beside it):
 *  1. registration: BENCH_DEVICES (default 200,000) approved registrations (1–4 IMEIs) published as
 *     ApplicationEvents on imei.applications.v1 → devices stored and DeviceEvents on
 *     imei.device-events.v1: devices/s and p50/p99 end-to-end delay (application sent → DeviceEvent
 *     record created). Published directly, not through intake's file CLI (see the closing note);
 *     Then FerretDB's own insert ceiling for the same documents, and registration's share of it;
 *  2. inference: BENCH_OBSERVATIONS (default 1,000,000) observations over a week on
 *     imei.observations.v1, published while the service is stopped → after its restart, observations/s
 *     from its first committed batch until it committed them all, and the precision and recall of the
 *     pending siblings against the generated truth; then FerretDB's own time for inference's store work
 *     (device reads, IMEI inserts, device updates, segments) and inference's share of that ceiling.
 * Needs the stack up (npm run stack:up). BENCH_SKIP_INFERENCE=1 runs part 1 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { BSON, type Binary, type Db } from 'mongodb';
import { DeviceEvent, DeviceGroupingServiceClient, topics, type TopicSpec } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { ensureTopics, TopicProducer } from '@imei/kafka';
import { connectMongo, findByIds } from '@imei/mongo';
import { deleteTopics, freePort, repoRoot, testKafka, waitFor } from '@imei/testing';
import { benchDevices, observationPlan, prng, registrationOf, type BenchDevice } from './device-grouping-population';

const DEVICES = Number(process.env.BENCH_DEVICES ?? 200_000);
const OBSERVATIONS = Number(process.env.BENCH_OBSERVATIONS ?? 1_000_000);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const say = (line: string) => process.stdout.write(`${line}\n`);

/** Commits the group's offsets at the topic's current end, so it consumes only what comes next. */
async function startAtEnd(kafka: Kafka, groupId: string, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.setOffsets({ groupId, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  await admin.disconnect();
}

async function committedLag(kafka: Kafka, groupId: string, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [ends, [committed]] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  await admin.disconnect();
  return ends.reduce((lag, p) => lag + Number(p.high) - Math.max(0, Number(committed!.partitions.find((c) => c.partition === p.partition)?.offset ?? 0)), 0);
}

async function startService(port: number, database: string, namespace: string, topicSuffix: string): Promise<ChildProcess> {
  // BENCH_SERVICE_NODE_ARGS: extra node flags for the service (e.g. --cpu-prof --cpu-prof-dir=/tmp/prof).
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const child = spawn(process.execPath, [...nodeArgs, join(repoRoot, 'services/device-grouping/dist/main.js')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DEVICE_GROUPING_GRPC_ADDRESS: `127.0.0.1:${port}`, MONGODB_DATABASE: database, KAFKA_GROUP_NAMESPACE: namespace, DEVICE_GROUPING_TOPIC_SUFFIX: topicSuffix, KAFKA_USERNAME: 'admin', KAFKA_PASSWORD: process.env.KAFKA_ADMIN_PASSWORD ?? 'admin-dev-secret', LOG_LEVEL: 'error', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
  });
  const probe = createGrpcClient(DeviceGroupingServiceClient, `127.0.0.1:${port}`, { token: devToken('officer:demo'), deadlineMs: 1000 });
  await waitFor('device-grouping serving', () => call(probe, 'getDevice', { deviceId: 'none' }).then(() => true, (e: { code?: number }) => e.code === 5), 60_000, 200);
  probe.close();
  return child;
}

/**
 * FerretDB's own ceiling for registration's write shape: copies of the stored IMEI and device documents
 * (same fields and sizes, new `_id`s), inserted into scratch collections with insertMany in flushes of
 * `devicesPerFlush` devices (their IMEI records, then the devices), one flush at a time as the service
 * does. Returns devices/s and documents/s.
 */
async function insertCeiling(db: Db, devices: readonly BenchDevice[], count: number, devicesPerFlush: number): Promise<{ devicesPerSecond: number; docsPerSecond: number }> {
  const sample = devices.slice(0, 1000);
  const [deviceDocs, imeiDocs] = await Promise.all([
    findByIds(db.collection<{ _id: string }>('devices'), sample.map((d) => d.deviceId)),
    findByIds(db.collection<{ _id: string }>('imeis'), sample.flatMap((d) => d.imei14s)),
  ]);
  const imeisPerDevice = devices.reduce((n, d) => n + d.imei14s.length, 0) / devices.length;
  const copies = <T extends { _id: string }>(docs: readonly T[], n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ ...docs[i % docs.length]!, _id: `${tag}-${i}` }));
  const [scratchImeis, scratchDevices] = [db.collection<{ _id: string }>('ceiling_imeis'), db.collection<{ _id: string }>('ceiling_devices')];
  let docs = 0;
  const started = Date.now();
  for (let done = 0; done < count; done += devicesPerFlush) {
    const n = Math.min(devicesPerFlush, count - done);
    const imeis = copies(imeiDocs, Math.round(n * imeisPerDevice), `i${done}`);
    await scratchImeis.insertMany(imeis, { ordered: false });
    await scratchDevices.insertMany(copies(deviceDocs, n, `d${done}`), { ordered: false });
    docs += imeis.length + n;
  }
  const seconds = (Date.now() - started) / 1000;
  await Promise.all([scratchImeis.drop(), scratchDevices.drop()]);
  return { devicesPerSecond: count / seconds, docsPerSecond: docs / seconds };
}

/**
 * FerretDB's own ceiling for inference's write shape: for `deviceIds` (the devices that got a pending
 * sibling), copies of their stored documents are read by `_id` (32 at once, the cache's reads after a
 * restart), a new IMEI record each is inserted (insertMany) and each device gets a version-guarded
 * `$set` of its body (bulkWrites of 250 at once), in flushes of 3,000 devices; plus copies of the run's
 * index segments. Returns the seconds all that takes alone.
 */
async function inferenceCeiling(db: Db, deviceIds: readonly string[]): Promise<number> {
  const scratch = { devices: db.collection<any>('ceiling_devices'), imeis: db.collection<any>('ceiling_imeis'), segments: db.collection<any>('ceiling_segments') };
  const imeiSample = await db.collection<any>('imeis').find({}).limit(1000).toArray();
  const segments = await db.collection<any>('index_segments').find({}).toArray();
  for (let i = 0; i < deviceIds.length; i += 5000) {
    const docs = await findByIds(db.collection<any>('devices'), deviceIds.slice(i, i + 5000));
    await scratch.devices.insertMany(docs, { ordered: false });
  }
  const started = Date.now();
  const segmentWrites = (async () => { for (const [i, s] of segments.entries()) await scratch.segments.insertOne({ ...s, _id: `s${i}` }); })();
  for (let i = 0; i < deviceIds.length; i += 3000) {
    const docs = await findByIds(scratch.devices, deviceIds.slice(i, i + 3000));
    await scratch.imeis.insertMany(docs.map((_, j) => ({ ...imeiSample[j % imeiSample.length], _id: `i${i + j}` })), { ordered: false });
    const updates = docs.map((d) => ({ updateOne: { filter: { _id: d._id, version: d.version }, update: { $set: { version: d.version + 1, outboxBatch: 'ceiling', body: d.body } } } }));
    await Promise.all(Array.from({ length: Math.ceil(updates.length / 250) }, (_, k) => scratch.devices.bulkWrite(updates.slice(k * 250, (k + 1) * 250), { ordered: false })));
  }
  await segmentWrites;
  const seconds = (Date.now() - started) / 1000;
  await Promise.all(Object.values(scratch).map((c) => c.drop()));
  return seconds;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const run = Date.now().toString(36);
  // The service's consumer groups are device-grouping.<namespace>.<name>: its own, started at the topics' end.
  const namespace = `bench-${run}`;
  const database = `imei_device_grouping_bench_${run}`;
  const kafka = testKafka();
  const topicSuffix = `.${namespace}`;
  const own = <T>(spec: TopicSpec<T>): TopicSpec<T> => ({ ...spec, name: `${spec.name}${topicSuffix}` });
  const applications = own(topics.applications);
  const observations = own(topics.observations);
  const deviceEvents = own(topics.deviceEvents);
  const created = [applications, observations, deviceEvents, own(topics.listChanges), own(topics.groupingStatus)] as TopicSpec[];
  await ensureTopics(kafka, created);
  const port = await freePort();
  let service = await startService(port, database, namespace, topicSuffix);
  const producer = new TopicProducer(kafka, { ordered: false, acksAll: true });
  await producer.connect();
  const random = prng(42);
  const prefix = `bench-${run}`;
  const devices = benchDevices(prefix, DEVICES, random);
  const imeis = devices.reduce((n, d) => n + d.imei14s.length, 0);

  // 1. Registrations.
  const readerGroup = `bench-reader-${run}`;
  await startAtEnd(kafka, readerGroup, deviceEvents.name);
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  let lastEventAt = 0;
  const reader = kafka.consumer({ groupId: readerGroup, maxBytesPerPartition: 4 * 1024 * 1024 });
  await reader.connect();
  await reader.subscribe({ topic: deviceEvents.name });
  await reader.run({
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString() ?? '';
        const sent = sentAt.get(key);
        if (sent === undefined) continue;
        const event = DeviceEvent.decode(message.value!);
        if (event.event?.$case !== 'registered') continue;
        sentAt.delete(key);
        const created = Number(message.timestamp);
        delays.push(created - sent);
        lastEventAt = Math.max(lastEventAt, created);
      }
    },
  });
  say(`registering ${fmt(DEVICES)} devices (${fmt(imeis)} IMEIs) as approved ApplicationEvents …`);
  const started = Date.now();
  const now = new Date();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < devices.length; i += 1000) {
    const chunk = devices.slice(i, i + 1000);
    const at = Date.now();
    for (const d of chunk) sentAt.set(d.deviceId, at);
    inFlight.push(producer.send(applications, chunk.map((d) => ({ key: d.deviceId, value: { application: registrationOf(d, now), status: 2, occurredAt: now } }))));
    if (inFlight.length >= 8) await inFlight.shift();
  }
  await Promise.all(inFlight);
  say(`published in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for the DeviceEvents …`);
  const progress = setInterval(() => say(`  … ${fmt(delays.length)} DeviceEvents`), 10_000);
  await waitFor('every DeviceEvent', () => delays.length === DEVICES, 3_600_000, 500).finally(() => clearInterval(progress));
  const seconds = (lastEventAt - started) / 1000;
  delays.sort((a, b) => a - b);
  say(`registration: ${fmt(DEVICES)} devices (${fmt(imeis)} IMEIs) in ${seconds.toFixed(1)} s = ${fmt(DEVICES / seconds)} devices/s, ${fmt(imeis / seconds)} IMEIs/s; end-to-end delay p50 ${fmt(percentile(delays, 50))} ms, p99 ${fmt(percentile(delays, 99))} ms, max ${fmt(delays.at(-1)!)} ms`);
  await reader.disconnect();
  const mongo = await connectMongo({ uri: process.env.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/', database });
  const ceilingDevices = Math.min(DEVICES, 50_000);
  const ceiling = await insertCeiling(mongo.db, devices, ceilingDevices, 2_000);
  const devicesPerSecond = DEVICES / seconds;
  say(`store ceiling (FerretDB alone, insertMany of copies of our IMEI and device documents, 2,000 devices per flush, ${fmt(ceilingDevices)} devices): ${fmt(ceiling.devicesPerSecond)} devices/s (${fmt(ceiling.docsPerSecond)} documents/s); registration runs at ${(100 * devicesPerSecond / ceiling.devicesPerSecond).toFixed(0)} % of it`);

  // 2. Inference.
  if (process.env.BENCH_SKIP_INFERENCE !== '1') {
    const plan = observationPlan(devices, OBSERVATIONS, Date.now(), random);
    say(`publishing ${fmt(plan.observations.length)} observations (${fmt(plan.truth.size)} true siblings sharing a subscriber) …`);
    const group = `device-grouping.${namespace}.observations`;
    // Published while the service is stopped, so its rate is its own, not the bench producer's: measured
    // from its first committed observation batch to the last. Its start-up (outbox sweep, scan of the
    // known ids and links, index rebuild) is reported apart.
    service.kill('SIGTERM');
    await once(service, 'exit');
    const t0 = Date.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < plan.observations.length; i += 1000) {
      pending.push(producer.send(observations, plan.observations.slice(i, i + 1000).map((o) => ({ key: o.imei14, value: o }))));
      if (pending.length >= 8) await pending.shift();
    }
    await Promise.all(pending);
    say(`published in ${((Date.now() - t0) / 1000).toFixed(1)} s; restarting device-grouping and waiting until it committed them …`);
    const restarted = Date.now();
    service = await startService(port, database, namespace, topicSuffix);
    let first: { at: number; lag: number } | undefined;
    await waitFor('observations consumed', async () => {
      const lag = await committedLag(kafka, group, observations.name);
      if (first === undefined && lag < plan.observations.length) first = { at: Date.now(), lag };
      return lag === 0;
    }, 3_600_000, 200);
    const obsSeconds = (Date.now() - first!.at) / 1000;
    say(`restart to first committed batch ${((first!.at - restarted) / 1000).toFixed(1)} s`);
    const found = new Set<string>();
    const pendingDevices = new Set<string>();
    for (let i = 0; i < devices.length; i += 5000) {
      const ids = devices.slice(i, i + 5000).map((d) => d.deviceId);
      // A device document keeps the device in its BSON `body` (services/device-grouping/src/adapters/grouping-documents.ts).
      const docs = await findByIds(mongo.db.collection<{ _id: string; body: Binary }>('devices'), ids, { projection: { body: 1 } });
      for (const doc of docs) for (const p of (BSON.deserialize(doc.body.buffer) as { device: { pendingSiblings: { imei14: string }[] } }).device.pendingSiblings) { found.add(`${doc._id} ${p.imei14}`); pendingDevices.add(doc._id); }
    }
    const segments = await mongo.db.collection('index_segments').countDocuments();
    const correct = [...found].filter((f) => plan.truth.has(f)).length;
    say(`inference: ${fmt(first!.lag)} observations (all but the first batches) in ${obsSeconds.toFixed(1)} s = ${fmt(first!.lag / obsSeconds)} observations/s; pending siblings ${fmt(found.size)}, precision ${(found.size === 0 ? 0 : correct / found.size).toFixed(4)}, recall ${(plan.truth.size === 0 ? 0 : correct / plan.truth.size).toFixed(4)}`);
    // Each pending sibling is two entity writes (its IMEI record, its device); the index is one segment insert per batch.
    const writes = segments + 2 * found.size;
    say(`inference store writes: ${fmt(segments)} index segments + ~${fmt(2 * found.size)} entity writes for ${fmt(plan.observations.length)} observations: ${(100 * (1 - writes / plan.observations.length)).toFixed(1)} % of observations needed no write of their own`);
    const storeSeconds = await inferenceCeiling(mongo.db, [...pendingDevices]);
    say(`inference store ceiling (FerretDB alone: ${fmt(pendingDevices.size)} device reads by _id, IMEI inserts and version-guarded device updates, ${fmt(segments)} segment copies): ${storeSeconds.toFixed(1)} s = ${fmt(first!.lag / storeSeconds)} observations/s if nothing else cost; inference runs at ${(100 * storeSeconds / obsSeconds).toFixed(0)} % of it`);
  }
  await mongo.close();
  await producer.disconnect();
  service.kill('SIGTERM');
  await once(service, 'exit');
  await deleteTopics(created.map((t) => t.name), kafka);
  say(`database ${database} kept for inspection (drop it when done)`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
