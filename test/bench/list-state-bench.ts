/**
 * npm run bench:list-state — list-state figures (a benchmark, not a timed test). Uses its OWN topics,
 * consumer groups and database (never the shared imei.observations.v1):
 *  1. observations/s into list state with 95% already-known IMEIs (target ≥ 50,000/s), measured as the
 *     consumer draining records published beforehand;
 *  2. new IMEIs/s through list-state versus FerretDB's own ceiling for the same writes (entry insert,
 *     audit insert, mark sent, in the same bulk shapes, cloned from a stored entry) — the ratio;
 *  3. checks from a separate load process on loopback: gRPC batch (≥ 100,000 IMEIs/s), gRPC single
 *     (≥ 10,000/s, p99 < 5 ms), N5g-eir HTTP (≥ 10,000 req/s, p99 < 5 ms), answered by the read model;
 *  4. resident bytes per IMEI of the read model and of the consumer's known-IMEI cache at 10,000,000
 *     IMEIs, and the read model filled to 100,000,000 IMEIs (typed arrays, not Map).
 * `npm run bench:list-state -- phase` runs the phase-run figure instead (list-state-phase-bench.ts).
 * Env: BENCH_OBSERVATIONS (1000000), BENCH_KNOWN (50000), BENCH_NEW (20000), BENCH_CHECK_IMEIS (1000000),
 * BENCH_LOADS (grpc-batch,grpc-single,http), BENCH_CHECK_SECONDS (10), BENCH_LOAD_PROCESSES (2, for single gRPC checks), BENCH_CONCURRENCY (8 calls in flight per single-check load process), BENCH_LOAD_NODE_ARGS (node options of the load processes, default `--max-semi-space-size=1`; e.g. add `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_NODE_ARGS (node options added to list-state's own config.nodeFlags for this process; profile it with `node --cpu-prof test/dist/bench/list-state-bench.js`), BENCH_VERBOSE (server event-loop delay and GC pauses during each load), BENCH_MEMORY_IMEIS (10000000), BENCH_REACH_IMEIS (100000000; 0 skips).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { ListStateServiceService, topics, type Observation } from '@imei/contracts';
import { devToken, startGrpcServer, TokenTable } from '@imei/grpc';
import { startOfAlmatyDay } from '@imei/imei-rules';
import { runConsumer, TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, repoRoot, serviceNodeFlags, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import { RateLimiter, startEquipmentStatusHttp } from '@imei/list-state/dist/adapters/equipment-status-http';
import { ListReadModel } from '@imei/list-state/dist/adapters/list-read-model';
import { listStateApp } from '@imei/list-state/dist/adapters/list-state-app';
import { PackedImeiCache } from '@imei/list-state/dist/adapters/packed-imei-cache';
import { parseListPolicy } from '@imei/list-state/dist/domain/list-policy';
import { H2GrpcClient } from './list-state-grpc-h2';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const OBSERVATIONS = env('BENCH_OBSERVATIONS', 1_000_000);
const KNOWN = env('BENCH_KNOWN', 50_000);
const NEW = env('BENCH_NEW', 20_000);
const CHECK_IMEIS = env('BENCH_CHECK_IMEIS', 1_000_000);
const CHECK_SECONDS = env('BENCH_CHECK_SECONDS', 10);
const MEMORY_IMEIS = env('BENCH_MEMORY_IMEIS', 10_000_000);
const REACH_IMEIS = env('BENCH_REACH_IMEIS', 100_000_000);
const LOAD_PROCESSES = env('BENCH_LOAD_PROCESSES', 2);
/**
 * Node options of the load processes. Default: a small young generation — every HTTP/2 stream's objects
 * stay reachable through node's weak stream handle until a full GC, so with the default young generation
 * the load process's own 10-20 ms scavenges land in the latencies it measures. `--cpu-prof` profiles them.
 */
const LOAD_NODE_ARGS = (process.env.BENCH_LOAD_NODE_ARGS ?? '--max-semi-space-size=1').split(' ').filter((a) => a !== '');
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const out = (line: string) => process.stdout.write(`${line}\n`);
const MB = 1024 * 1024;

/** The bench policy: everything after the cutoff, no phase started (observations only make grey entries). */
const policy = parseListPolicy({ cutoffDate: '2025-03-01', phases: [{ id: 'phase-1', startDate: '2030-01-01', blockDate: '2030-02-01', cohort: {} }] });
const day = (d: string) => startOfAlmatyDay(d) + 12 * 3_600_000;
const imeiOf = (i: number) => String(35000000000000 + i * 7919);

/** Records per second of an action over `count` items. */
async function timed(count: number, work: () => Promise<void>): Promise<{ seconds: number; perSecond: number }> {
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, perSecond: count / seconds };
}

async function observationFigures(): Promise<{ grpcPort: number; httpPort: number; stop: () => Promise<void> }> {
  const kafka = testKafka();
  const own = {
    observations: await createTestTopic(topics.observations, kafka, 6),
    groupingStatus: await createTestTopic(topics.groupingStatus, kafka, 6),
    listCommands: await createTestTopic(topics.listCommands, kafka, 6),
    listChanges: await createTestTopic(topics.listChanges, kafka, 6),
  };
  // list-state's producer as the service runs it (ordered: idempotent, one request in flight; acks all);
  // the inputs are published by a producer of their own.
  const producer = new TopicProducer(kafka);
  const inputs = new TopicProducer(kafka, { ordered: false, acksAll: false });
  await Promise.all([producer.connect(), inputs.connect()]);
  const store = await testStore('list_state_bench');
  const logger = createLogger('list-state-bench', 'error');
  const edge = { authenticator: TokenTable.dev(), logger };
  let consumed = 0;
  let skipped = 0;
  let replays = 0;
  /** End time and running input count of every batch. */
  const batches: Array<{ at: number; consumed: number }> = [];
  const app = listStateApp({
    db: store.db, producer, logger, topics: own, policy, clock: () => day('2025-06-10'), edge, cacheCapacity: 1 << 20,
    onBatch: (o) => {
      consumed += o.inputs;
      skipped += o.skippedByCache;
      replays += o.replays;
      batches.push({ at: performance.now(), consumed });
    },
    readModel: { kafka, groupId: uniqueName('list-state.bench-read-model'), initialCapacity: 1 << 21 },
  });
  // BENCH_VERBOSE: time spent inside the processor (all partitions summed) versus wall time.
  let busyMs = 0;
  /** Start of the first batch after a resume (a drain is timed from it). */
  let firstStart: number | undefined;
  const process_ = app.processor.process.bind(app.processor);
  app.processor.process = async (partition, batch) => {
    const t0 = performance.now();
    firstStart ??= t0;
    try {
      return await process_(partition, batch);
    } finally {
      busyMs += performance.now() - t0;
    }
  };
  const publish = async (imeis: readonly string[], seenAt: number): Promise<void> => {
    const chunk = 5000;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < imeis.length; i += chunk) {
      sends.push(inputs.send(own.observations, imeis.slice(i, i + chunk).map((imei14) => ({
        key: imei14,
        value: { imei14, imeiRaw: imei14, malformed: false, checkDigitInvalid: false, imsi: '', msisdn: '', operatorId: 'kcell', seenAt: new Date(seenAt), rat: 0, observationId: '' } satisfies Observation,
      }))));
      if (sends.length >= 8) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
  };
  const consumer = await runConsumer({ kafka, service: 'list-state', groupId: uniqueName('list-state.bench'), handlers: app.consumer.handlers, producer, logger, ...app.consumer.options });
  const drained = (target: number) => waitFor(`${target} observations consumed (have ${consumed})`, () => consumed >= target, 1_800_000, 20);
  /**
   * Resumes the paused topic and drains `count` records: records per second from the start of the
   * first batch to the end of the last batch's writes (a resumed kafkajs consumer may first sit out a
   * fetch's max wait).
   */
  const drain = async (count: number): Promise<{ seconds: number; perSecond: number }> => {
    const from = consumed;
    const busyBefore = busyMs;
    const firstIndex = batches.length;
    firstStart = undefined;
    consumer.consumer.resume([{ topic: own.observations.name }]);
    await drained(from + count);
    // The last batches' mark-sent updates belong to the same writes: the drain ends when they did
    // (within the 20 ms poll of `drained`).
    await app.processor.flush();
    const seconds = (performance.now() - firstStart!) / 1000;
    if (process.env.BENCH_VERBOSE) out(`  ${batches.length - firstIndex} batches, ${fmt(count / (batches.length - firstIndex))} inputs each on average, ${fmt(busyMs - busyBefore)} ms inside the processor (summed over partitions)`);
    return { seconds, perSecond: count / seconds };
  };

  // Known IMEIs: first seen 2025-06-01, seen again 2025-06-03 (a version and a last-seen update each).
  const known = Array.from({ length: KNOWN }, (_, i) => imeiOf(i));
  await publish(known, day('2025-06-01'));
  await publish(known, day('2025-06-03'));
  await drained(2 * KNOWN);
  out(`setup: ${fmt(KNOWN)} known IMEIs stored (grey, seen 2025-06-01 and 2025-06-03); ${fmt(replays)} inputs re-delivered`);

  // 1. 95% sightings of known IMEIs on a day in between (nothing new), 5% new IMEIs; published first, then drained.
  const topic = own.observations.name;
  consumer.consumer.pause([{ topic }]);
  const mixed: string[] = [];
  for (let i = 0; i < OBSERVATIONS; i++) mixed.push(i % 20 === 0 ? imeiOf(KNOWN + NEW + i) : known[(i * 7) % KNOWN]!);
  await publish(mixed, day('2025-06-02'));
  const skippedBefore = skipped;
  const mixedRun = await drain(OBSERVATIONS);
  out(`observations (95% known): ${fmt(OBSERVATIONS)}, drained at ${fmt(mixedRun.perSecond)} observations/s (target ≥ 50,000/s); ${fmt(skipped - skippedBefore)} answered by the known-IMEI cache without a store read; ${fmt(replays)} inputs re-delivered so far`);

  // 2. new IMEIs only, against the store's own ceiling for the same writes.
  consumer.consumer.pause([{ topic }]);
  const fresh = Array.from({ length: NEW }, (_, i) => imeiOf(KNOWN + i));
  await publish(fresh, day('2025-06-04'));
  const newRun = await drain(NEW);
  const ceiling = await storeCeiling(store.db, fresh[0]!, NEW);
  out(`new IMEIs through list-state: ${fmt(NEW)}, drained at ${fmt(newRun.perSecond)}/s; FerretDB alone, same writes: ${fmt(ceiling)}/s; ratio ${(newRun.perSecond / ceiling).toFixed(2)}`);

  // 3. checks: the read model holds the stored entries (from the feed) plus CHECK_IMEIS filled directly.
  await app.feed!.start();
  await waitFor('read model caught up', () => app.feed!.ready, 120_000);
  for (let i = 0; i < CHECK_IMEIS; i++) app.feed!.model.putPacked(40000000000000 + i * 31, i % 12, 0, 1);
  out(`read model: ${fmt(app.feed!.model.size)} IMEIs`);
  const server = await startGrpcServer({ address: '127.0.0.1:0', services: [app.grpc] });
  const http = await startEquipmentStatusHttp({ host: '127.0.0.1', port: 0 }, { reader: app.reader, logger, limiter: new RateLimiter(60, Date.now) });
  return {
    grpcPort: server.port,
    httpPort: http.port,
    stop: async () => {
      await server.stop(100);
      http.server.closeAllConnections();
      http.server.close();
      await consumer.stop();
      await app.feed!.stop();
      await Promise.all([producer.disconnect(), inputs.disconnect()]);
      await store.drop();
      await deleteTopics(Object.values(own).map((t) => t.name), kafka);
    },
  };
}

/**
 * New entries/s FerretDB takes alone with list-state's writes of a new IMEI, cloned from one it stored
 * (same documents): the entries' insertMany, the audit records' insertMany, the mark-sent update per
 * entry overlapping the next batch; batches of 500 on 6 concurrent streams (one per partition), no broker.
 */
async function storeCeiling(db: import('mongodb').Db, sampleImei: string, count: number): Promise<number> {
  type Doc = Record<string, unknown> & { _id: string };
  const entry = await db.collection<Doc>('list_entries').findOne({ _id: sampleImei });
  const record = await db.collection<Doc>('list_audit').findOne({ _id: `${sampleImei}:1` });
  if (!entry || !record) throw new Error(`no stored sample ${sampleImei}`);
  const entries = db.collection<Doc>('ceiling_entries');
  const audit = db.collection<Doc>('ceiling_audit');
  let next = 0;
  const run = await timed(count, async () => {
    await Promise.all(Array.from({ length: 6 }, async () => {
      // As list-state does: a batch's mark-sent updates run while the stream's next batch is inserted.
      let marking: Promise<unknown> = Promise.resolve();
      while (next < count) {
        const ids = Array.from({ length: Math.min(500, count - next) }, (_, i) => imeiOf(900_000 + next + i));
        next += ids.length;
        await marking;
        await entries.insertMany(ids.map((_id) => ({ ...entry, _id, imei14: _id, outboxPending: true, outboxSentVersion: 0 })), { ordered: false });
        await audit.insertMany(ids.map((id) => ({ ...record, _id: `${id}:1`, imei14: id })), { ordered: false });
        marking = entries.bulkWrite(ids.map((_id) => ({ updateOne: { filter: { _id, version: 1 }, update: { $set: { outboxPending: false, outboxSentVersion: 1 } } } })), { ordered: false });
      }
      await marking;
    }));
  });
  return run.perSecond;
}

interface LoadReport {
  calls: number;
  imeis: number;
  seconds: number;
  p50: number;
  p99: number;
}

/**
 * Runs a load from `processes` separate processes at once (a grpc-js client process saturates a core
 * before the server does); rates add up, the latency reported is the worst process's.
 */
async function load(kind: string, port: number, processes: number): Promise<LoadReport> {
  const reports = await Promise.all(Array.from({ length: processes }, async () => {
    const child = spawn(process.execPath, [...LOAD_NODE_ARGS, __filename, 'load', kind, String(port), String(CHECK_SECONDS), String(CHECK_IMEIS)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    await once(child, 'exit');
    return JSON.parse(text) as LoadReport;
  }));
  const seconds = Math.max(...reports.map((r) => r.seconds));
  return {
    calls: reports.reduce((n, r) => n + r.calls, 0),
    imeis: reports.reduce((n, r) => n + r.imeis, 0),
    seconds,
    p50: Math.max(...reports.map((r) => r.p50)),
    p99: Math.max(...reports.map((r) => r.p99)),
  };
}

/** The load process: `concurrency` loops calling for `seconds`, latencies in ms. */
async function loadProcess(kind: string, port: number, seconds: number, imeis: number): Promise<void> {
  const pick = () => String(40000000000000 + Math.floor(Math.random() * imeis) * 31);
  const latencies: number[] = [];
  let imeisChecked = 0;
  const end = Date.now() + seconds * 1000;
  // gRPC over a plain HTTP/2 session (see list-state-grpc-h2.ts): the load process measures the server.
  const client = new H2GrpcClient(`127.0.0.1:${port}`, `Bearer ${devToken('operator:kcell')}`);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const httpGet = (path: string) =>
    new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
  const one = async (): Promise<void> => {
    const started = performance.now();
    if (kind === 'grpc-batch') {
      const batch = Array.from({ length: 1000 }, pick);
      const { statuses } = await client.unary(ListStateServiceService.checkImeis, { imeis: batch });
      if (statuses.length !== batch.length || !statuses.every((s) => s.known)) throw new Error('batch check answered wrongly');
      imeisChecked += batch.length;
    } else if (kind === 'grpc-single') {
      const imei = pick();
      const answer = await client.unary(ListStateServiceService.checkImei, { imei });
      if (!answer.known || answer.imei14 !== imei) throw new Error(`check of ${imei} answered wrongly`);
      imeisChecked++;
    } else {
      const status = await httpGet(`/n5g-eir-eic/v1/equipment-status?pei=imei-${pick()}0`);
      if (status !== 200) throw new Error(`HTTP ${status}`);
      imeisChecked++;
    }
    latencies.push(performance.now() - started);
  };
  const concurrency = kind === 'grpc-batch' ? 4 : Number(process.env.BENCH_CONCURRENCY ?? 8);
  // Warm-up (JIT, connections), not counted.
  for (let i = 0; i < 200; i++) await one();
  latencies.length = 0;
  imeisChecked = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) await one();
  }));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  process.stdout.write(JSON.stringify({ calls: latencies.length, imeis: imeisChecked, seconds: elapsed, p50: q(0.5), p99: q(0.99) }));
  client.close();
  agent.destroy();
}

/** BENCH_VERBOSE: the server process's event-loop delay and GC pauses while a load runs. */
function serverPauses(): { stop: () => string } {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gc = { count: 0, ms: 0, max: 0, major: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.count++;
      gc.ms += entry.duration;
      gc.max = Math.max(gc.max, entry.duration);
      if ((entry as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      delay.disable();
      observer.disconnect();
      const ms = (ns: number) => (ns / 1e6).toFixed(1);
      return `event-loop delay p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms; ${gc.count} GC pauses (${gc.major} major), ${gc.ms.toFixed(0)} ms in all; heap ${(process.memoryUsage().heapUsed / MB).toFixed(0)} MB, longest ${gc.max.toFixed(1)} ms`;
    },
  };
}

/** Resident bytes per IMEI of the read model and the known-IMEI cache, in a fresh process. */
function memoryProcess(what: string, count: number): void {
  const rss = () => process.memoryUsage().rss;
  const base = rss();
  const started = performance.now();
  let bytes: number;
  let size: number;
  // Sized up front as a deployment does (LIST_STATE_CACHE_CAPACITY): no doubling copies on the way.
  const capacity = 2 ** Math.ceil(Math.log2(count / 0.7));
  if (what === 'read-model') {
    const model = new ListReadModel(capacity);
    for (let i = 0; i < count; i++) model.putPacked(10000000000000 + i * 37, i % 12, 0, 1);
    if (model.stateOf(String(10000000000000 + (count - 1) * 37)) === undefined) throw new Error('last IMEI not found');
    bytes = model.bytes;
    size = model.size;
  } else {
    const cache = new PackedImeiCache(capacity);
    for (let i = 0; i < count; i++) cache.put(10000000000000 + i * 37, 20000, 20001, 1);
    bytes = cache.bytes;
    size = cache.size;
  }
  const seconds = (performance.now() - started) / 1000;
  // The arrays outgrown by doubling are garbage now: collect them so RSS shows what the structure holds.
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(JSON.stringify({ size, arrayBytes: bytes, rssDelta: rss() - base, seconds }));
}

async function memory(what: string, count: number): Promise<{ size: number; arrayBytes: number; rssDelta: number; seconds: number }> {
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=256', __filename, 'memory', what, String(count)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  await once(child, 'exit');
  return JSON.parse(text) as { size: number; arrayBytes: number; rssDelta: number; seconds: number };
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'load') return loadProcess(args[0]!, Number(args[1]), Number(args[2]), Number(args[3]));
  if (mode === 'memory') return memoryProcess(args[0]!, Number(args[1]));
  if (mode === 'phase') {
    // The phase-run figure (list-state-phase-bench.ts): `npm run bench:list-state -- phase`.
    const child = spawn(process.execPath, [join(__dirname, 'list-state-phase-bench.js')], { stdio: 'inherit' });
    const [code] = (await once(child, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`phase bench exited with ${code}`);
    return;
  }

  // list-state lives in this process: run it with the service's own node flags (package.json
  // config.nodeFlags, as run-mesh starts it) plus BENCH_NODE_ARGS.
  const flags = [...serviceNodeFlags('list-state'), ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')];
  if (flags.length > 0 && process.env.BENCH_LIST_STATE_FLAGS !== '1') {
    out(`list-state node flags (services/list-state/package.json config.nodeFlags + BENCH_NODE_ARGS): ${flags.join(' ')}`);
    const child = spawn(process.execPath, [...process.execArgv, ...flags, __filename, ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, BENCH_LIST_STATE_FLAGS: '1' } });
    const [code] = (await once(child, 'exit')) as [number | null];
    process.exitCode = code ?? 1;
    return;
  }

  // BENCH_STACK_UP=0 runs against a stack already up (e.g. another engineer's FerretDB on 27017).
  if (process.env.BENCH_STACK_UP !== '0') execFileSync('bash', [join(repoRoot, 'deploy/local/stack.sh'), 'up'], { stdio: 'inherit', cwd: repoRoot });
  const bench = await observationFigures();
  for (const kind of (process.env.BENCH_LOADS ?? 'grpc-batch,grpc-single,http').split(',').filter((k) => k !== '' && k !== 'none')) {
    // One HTTP load process already saturates the server's share of the 2 cores; grpc-single takes two.
    const processes = kind === 'grpc-single' ? LOAD_PROCESSES : 1;
    const server = serverPauses();
    const r = await load(kind, kind === 'http' ? bench.httpPort : bench.grpcPort, processes);
    if (process.env.BENCH_VERBOSE) out(`  server process during the load: ${server.stop()}`);
    const unit = kind === 'grpc-batch' ? 'IMEIs/s' : 'req/s';
    out(`${kind} checks: ${fmt(r.imeis / r.seconds)} ${unit} (${fmt(r.calls)} calls in ${r.seconds.toFixed(1)} s from ${processes} load process${processes > 1 ? 'es' : ''}), p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`);
  }
  await bench.stop();

  for (const what of MEMORY_IMEIS > 0 ? ['read-model', 'known-imei-cache'] : []) {
    const m = await memory(what, MEMORY_IMEIS);
    out(`${what} at ${fmt(m.size)} IMEIs: ${(m.arrayBytes / m.size).toFixed(1)} array bytes/IMEI, ${(m.rssDelta / m.size).toFixed(1)} resident bytes/IMEI (RSS +${fmt(m.rssDelta / MB)} MB), filled in ${m.seconds.toFixed(1)} s`);
  }
  if (REACH_IMEIS > 0) {
    const m = await memory('read-model', REACH_IMEIS);
    out(`read-model reach: ${fmt(m.size)} IMEIs held, ${(m.arrayBytes / m.size).toFixed(1)} array bytes/IMEI, RSS +${fmt(m.rssDelta / MB)} MB, filled in ${m.seconds.toFixed(1)} s`);
  }
}

main().catch((error) => {
  process.stderr.write(`bench:list-state failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
