/**
 * npm run bench:list-state -- phase (or `node test/dist/bench/list-state-phase-bench.js`): a phase run
 * that blocks BENCH_PHASE_IMEIS (default 1,000,000) expired grey IMEIs, re-check included, timed from
 * the scheduler's first tick to the last block's ListChange read back from the list-changes topic
 * (target < 120 s for 1,000,000). Own topics, groups and database.
 *
 * - The grey entries are seeded straight into the store in the shape list-state stores them (version 2:
 *   created, then scheduled for 2025-07-01 by phase-1, the change published); the run is on 2025-07-02.
 * - Re-check: device-grouping's GetGroupingStatus and intake's FindOpenApplications are served over real
 *   gRPC on loopback by this process (every IMEI: no grouping, no application), through list-state's own
 *   gRPC clients; the lag barrier reads the real broker.
 * - The store's ceiling for the same writes: the consumer's store calls of one block (read by `_id`, the
 *   versioned outbox write of the black entry, the audit record, the mark-sent update overlapping the
 *   next batch) through ListEntryStore itself, in batches of 1,000 over 6 concurrent streams (one per
 *   partition), no broker.
 * Env: BENCH_PHASE_IMEIS (1000000), BENCH_CEILING_IMEIS (min(N, 30000)), BENCH_RECHECK_BATCH (5000).
 */
import { DeviceGroupingServiceService, GroupingFact, IntakeServiceService, ListState, topics } from '@imei/contracts';
import { devToken, startGrpcServer, TokenTable, unary } from '@imei/grpc';
import { almatyDayNumber, startOfAlmatyDay } from '@imei/imei-rules';
import { runConsumer, TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import type { Db } from 'mongodb';
import { KafkaLagProbe } from '@imei/list-state/dist/adapters/lag-probe';
import { listChangeEvent } from '@imei/list-state/dist/adapters/list-change';
import { ListEntryStore, type ListEntryDocument } from '@imei/list-state/dist/adapters/list-entry-store';
import { listStateApp } from '@imei/list-state/dist/adapters/list-state-app';
import { GrpcGroupingStatusSource, GrpcOpenApplicationSource } from '@imei/list-state/dist/adapters/recheck-sources';
import type { ListEntry } from '@imei/list-state/dist/domain/list-entry';
import { parseListPolicy } from '@imei/list-state/dist/domain/list-policy';

const N = Number(process.env.BENCH_PHASE_IMEIS ?? 1_000_000);
const CEILING = Number(process.env.BENCH_CEILING_IMEIS ?? Math.min(N, 30_000));
const RECHECK_BATCH = Number(process.env.BENCH_RECHECK_BATCH ?? 5000);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const out = (line: string) => process.stdout.write(`${line}\n`);
const noon = (d: string) => startOfAlmatyDay(d) + 12 * 3_600_000;
const imeiOf = (i: number) => String(35100000000000 + i * 7919);
/** Phase-1 takes every grey IMEI from 2025-06-15 and blocks it on 2025-07-01; the guard lets 100% through. */
const policy = parseListPolicy({
  cutoffDate: '2025-03-01',
  phases: [{ id: 'phase-1', startDate: '2025-06-15', blockDate: '2025-07-01', cohort: {} }],
  steadyStateFrom: '2030-01-01',
  guard: { maxShareOfGrey: 1, maxCount: 1e9 },
});

/** A grey entry as list-state stores it after its creation and its phase schedule (version 2, published). */
function scheduledEntry(imei14: string): ListEntryDocument {
  const firstSeenMs = noon('2025-05-01');
  const entry: ListEntry = {
    imei14, state: 'grey', reason: 'unverified', firstSeenMs, lastSeenDay: almatyDayNumber(firstSeenMs), operators: ['kcell'],
    malformed: false, deviceId: '', blockDate: '2025-07-01', blockedAtMs: null, cloneSuspected: false, version: 2,
    recent: [
      { version: 1, from: null, to: 'grey', reason: 'unverified', cause: `imei.observations.v1/0/${imei14}`, actor: 'operator:kcell', at: firstSeenMs, note: 'first seen 2025-05-01' },
      { version: 2, from: 'grey', to: 'grey', reason: 'unverified', cause: `run-2025-06-15/schedule/${imei14}`, actor: 'scheduler:phase-1', at: noon('2025-06-15'), note: 'block date 2025-07-01 (phase-1)' },
    ],
  };
  const { imei14: _id, version, ...fields } = entry;
  return { ...fields, _id, imei14, version, outbox: [listChangeEvent(entry, undefined, topics.listChanges)], outboxPending: false, outboxSentVersion: 2 } as unknown as ListEntryDocument;
}

async function seed(db: Db, ids: readonly string[]): Promise<number> {
  const started = performance.now();
  const entries = db.collection<ListEntryDocument>('list_entries');
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    inFlight.push(entries.insertMany(ids.slice(i, i + 1000).map(scheduledEntry), { ordered: false }));
    if (inFlight.length >= 4) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return (performance.now() - started) / 1000;
}

/** device-grouping and intake, answering "nothing known" for every IMEI over real gRPC. */
async function upstreams() {
  const edge = { authenticator: TokenTable.dev(), logger: createLogger('bench-upstreams', 'silent') };
  const server = await startGrpcServer({
    address: '127.0.0.1:0',
    services: [
      {
        definition: DeviceGroupingServiceService,
        implementation: {
          getGroupingStatus: unary(async (request: { imeis: string[] }) => ({
            statuses: request.imeis.map((imei14) => ({ imei14, deviceId: '', fact: GroupingFact.GROUPING_FACT_UNSPECIFIED, applicationId: '', approvedAt: undefined, version: 0, occurredAt: undefined, detail: '' })),
          }), edge),
        },
      },
      { definition: IntakeServiceService, implementation: { findOpenApplications: unary(async () => ({ applications: [] }), edge) } },
    ],
  });
  const token = devToken('service:list-state');
  const address = `127.0.0.1:${server.port}`;
  return { server, grouping: new GrpcGroupingStatusSource(address, token), applications: new GrpcOpenApplicationSource(address, token) };
}

/** The store alone doing what the consumer does per block, same documents, same ListEntryStore calls. */
async function storeCeiling(count: number): Promise<number> {
  const store = await testStore('list_state_phase_ceiling');
  const ids = Array.from({ length: count }, (_, i) => imeiOf(N + i));
  await seed(store.db, ids);
  const entries = new ListEntryStore(store.db, undefined as never, createLogger('ceiling', 'silent'), topics.listChanges);
  const now = noon('2025-07-02');
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 6 }, async () => {
    // As list-state does: a batch's mark-sent updates run while the stream's next batch is processed.
    let marking: Promise<unknown> = Promise.resolve();
    while (next < ids.length) {
      await marking;
      const batch = ids.slice(next, (next += 1000));
      const loaded = await entries.load(batch);
      const changes = [...loaded.values()].map(({ entry, outbox }) => {
        const record = { version: entry.version + 1, from: entry.state, to: 'black' as const, reason: 'grace-expired' as const, cause: `run-2025-07-02/block/${entry.imei14}`, actor: 'scheduler:phase-1', at: now, note: '' };
        const blocked: ListEntry = { ...entry, state: 'black', reason: 'grace-expired', blockedAtMs: now, version: record.version, recent: [...entry.recent, record] };
        const { version: _v, ...state } = blocked;
        return { change: { id: entry.imei14, expectedVersion: entry.version, state, events: [listChangeEvent(blocked, undefined, topics.listChanges)], previousOutbox: outbox }, record };
      });
      const stored = await entries.store(changes.map((c) => c.change));
      await entries.writeAudit(changes.map((c) => ({ imei14: c.change.id, record: c.record })));
      marking = entries.markSent(stored);
    }
    await marking;
  }));
  const perSecond = count / ((performance.now() - started) / 1000);
  await store.drop();
  return perSecond;
}

async function main(): Promise<void> {
  const kafka = testKafka();
  const own = {
    observations: await createTestTopic(topics.observations, kafka, 6),
    groupingStatus: await createTestTopic(topics.groupingStatus, kafka, 6),
    listCommands: await createTestTopic(topics.listCommands, kafka, 6),
    listChanges: await createTestTopic(topics.listChanges, kafka, 6),
  };
  const store = await testStore('list_state_phase_bench');
  const ids = Array.from({ length: N }, (_, i) => imeiOf(i));
  const seeded = await seed(store.db, ids);
  out(`phase setup: ${fmt(N)} grey entries due 2025-07-01 seeded in ${seeded.toFixed(1)} s (${fmt(N / seeded)}/s, insertMany)`);

  const logger = createLogger('list-state-phase-bench', 'error');
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const up = await upstreams();
  const groupId = uniqueName('list-state.phase-bench');
  const clock = () => noon('2025-07-02');
  const app = listStateApp({
    db: store.db, producer, logger, topics: own, policy, clock, edge: { authenticator: TokenTable.dev(), logger },
    cacheCapacity: 1 << 20,
    scheduler: { lag: new KafkaLagProbe(kafka), grouping: up.grouping, applications: up.applications, consumerGroupId: groupId, holder: 'bench', chunkSize: RECHECK_BATCH },
  });
  const consumer = await runConsumer({ kafka, service: 'list-state', groupId, handlers: app.consumer.handlers, producer, logger, ...app.consumer.options });

  // The last block's ListChange, read back from the topic.
  const blocked = new Set<string>();
  let lastBlockAt = 0;
  const watcher = await runConsumer({
    kafka, service: 'list-state', groupId: uniqueName('list-state.phase-bench-watch'), producer, logger, fromBeginning: true, partitionsConsumedConcurrently: 6,
    handlers: [{ spec: own.listChanges, handle: async (records) => {
      for (const r of records) if (r.value.state === ListState.LIST_STATE_BLACK) blocked.add(r.value.imei14);
      if (blocked.size > 0) lastBlockAt = performance.now();
    } }],
  });

  const started = performance.now();
  // Progress every minute: a run cut short still shows its rate.
  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    out(`  ${s.toFixed(0)} s: ${fmt(blocked.size)} blocks on the topic (${fmt(blocked.size / s)}/s)`);
  }, 60_000);
  let run = await app.scheduler!.tick();
  while (run?.status !== 'done') {
    if (run?.status === 'refused') throw new Error(`run refused: ${run.guardRefusal}`);
    run = await app.scheduler!.tick();
  }
  const scheduled = (performance.now() - started) / 1000;
  out(`phase run: re-checked ${fmt(run.candidates)} candidates in chunks of ${fmt(RECHECK_BATCH)}, ${fmt(run.blocked)} block commands sent, ${fmt(run.spared)} spared, in ${scheduled.toFixed(1)} s`);
  await waitFor(`${N} blocks on the list-changes topic (have ${blocked.size})`, () => blocked.size >= N, 4 * 3_600_000, 50);
  clearInterval(progress);
  const seconds = (lastBlockAt - started) / 1000;
  const rate = N / seconds;
  out(`phase blocks ${fmt(N)} expired grey IMEIs: last block on imei.list-changes.v1 after ${seconds.toFixed(1)} s (${fmt(rate)} blocks/s; 1,000,000 would take ${fmt(1_000_000 / rate)} s; target < 120 s)`);

  await watcher.stop();
  await consumer.stop();
  await up.server.stop(100);
  up.grouping.close();
  up.applications.close();
  await producer.disconnect();
  await store.drop();
  await deleteTopics(Object.values(own).map((t) => t.name), kafka);

  const ceiling = await storeCeiling(CEILING);
  out(`store ceiling for the same writes (read, versioned outbox write, audit, mark sent; ${fmt(CEILING)} entries, 6 streams): ${fmt(ceiling)} blocks/s; phase run at ${(rate / ceiling).toFixed(2)} of it (1,000,000 at the ceiling: ${fmt(1_000_000 / ceiling)} s)`);
}

main().catch((error) => {
  process.stderr.write(`list-state phase bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
