/**
 * npm run bench:intake — intake throughput figures (a benchmark, not a timed test):
 *  1. file path: a generated 1,000,000-row operator dump imported end to end with the intake-import CLI
 *     (through StreamObservations, validation, de-duplication, publishing with acks from all ISR);
 *  2. gRPC path: 1,000,000 observations streamed directly with StreamObservations.
 *  3. the producer ceiling: a bare kafkajs producer publishing records of the same shape (key imei14,
 *     an encoded imei.v1.Observation, the content-type header) with intake's producer settings (acks
 *     all, batch and requests in flight as intake's defaults), each in a fresh process — with intake's
 *     kafkajs speedups, without them, and idempotent with batches of 5000 — so intake's figure is
 *     also printed as a share of what the producer and broker alone reach on this machine.
 * Prints rows/s, MB/s and the peak RSS of intake and of the CLI. Brings the local stack up first.
 * Env: BENCH_ROWS (default 1000000), BENCH_CEILING_RECORDS (default BENCH_ROWS, 0 skips the ceiling),
 * BENCH_INTAKE_NODE_ARGS / BENCH_CLI_NODE_ARGS (extra node flags, e.g. to profile or trace).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionTypes, Partitioners, type Message } from 'kafkajs';
import { IntakeServiceClient, Observation, topics, type ObservationInput, type ObservationSummary } from '@imei/contracts';
import { contentTypeOf } from '@imei/kafka';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { createTestTopic, deleteTopics, freePort, repoRoot, serviceNodeFlags, stackEnv, testKafka, topicRecordCount, waitFor } from '@imei/testing';
import { startOfAlmatyDay, almatyDate } from '@imei/imei-rules';
import { deviceOf, seededRandom, writeObservationDump } from './observation-dump-generator';
import { resetPeak, watchPeak } from './process-rss';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const CEILING_RECORDS = Number(process.env.BENCH_CEILING_RECORDS ?? ROWS);
/** intake's publishing defaults (INTAKE_PUBLISH_BATCH, INTAKE_PUBLISH_IN_FLIGHT). */
const INTAKE_BATCH = 2000;
const INTAKE_IN_FLIGHT = 2;
const SPEEDUPS = join(repoRoot, 'services/intake/dist/adapters/kafkajs-speedups.js');
/** Extra node flags for the intake and CLI processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
const nodeArgs = (name: string) => (process.env[name] ?? '').split(' ').filter((arg) => arg !== '');
const MB = 1024 * 1024;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

/**
 * intake publishes into topics of the bench's own (INTAKE_TOPIC_SUFFIX, as the admin user): millions of
 * bench records on `imei.observations.v1` would be a backlog for a mesh on the same broker.
 */
const TOPIC_SUFFIX = `.bench-${process.pid}`;
const observationsTopic = `${topics.observations.name}${TOPIC_SUFFIX}`;

async function startIntake(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...serviceNodeFlags('intake'), ...nodeArgs('BENCH_INTAKE_NODE_ARGS'), join(repoRoot, 'services/intake/dist/main.js')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      INTAKE_GRPC_ADDRESS: `127.0.0.1:${port}`,
      INTAKE_TOPIC_SUFFIX: TOPIC_SUFFIX,
      KAFKA_USERNAME: stackEnv.adminUser,
      KAFKA_PASSWORD: stackEnv.adminPassword,
      MONGODB_DATABASE: 'imei_intake_bench',
      LOG_LEVEL: 'error',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    },
  });
  const probe = createGrpcClient(IntakeServiceClient, `127.0.0.1:${port}`, { token: devToken('officer:demo'), deadlineMs: 1000 });
  await waitFor('intake serving', () => call(probe, 'getApplication', { applicationId: 'none' }).then(() => true, (e: { code?: number }) => e.code === 5), 60_000, 200);
  probe.close();
  return child;
}

function report(label: string, rows: number, seconds: number, bytes: number | undefined, rss: Record<string, number>): void {
  const mbps = bytes === undefined ? '' : `, ${(bytes / MB / seconds).toFixed(1)} MB/s`;
  const memory = Object.entries(rss).map(([who, peak]) => `peak RSS ${who} ${(peak / MB).toFixed(0)} MB`).join(', ');
  process.stdout.write(`${label}: ${fmt(rows)} rows in ${seconds.toFixed(2)} s = ${fmt(rows / seconds)} rows/s${mbps}; ${memory}\n`);
}

interface PathFigures {
  rowsPerSecond: number;
  /** Records acknowledged on the topic per second. */
  recordsPerSecond: number;
}

async function fileRun(address: string, intake: ChildProcess, dir: string, dayStarts: number[]): Promise<PathFigures> {
  const file = join(dir, 'kcell-dump.csv');
  const generated = await writeObservationDump(file, { rows: ROWS, devices: Math.round(ROWS * 2.5), dayStarts });
  process.stdout.write(`generated ${file}: ${fmt(generated.rows)} rows, ${(generated.bytes / MB).toFixed(1)} MB, ${generated.badRows} bad rows\n`);
  const before = await topicRecordCount(observationsTopic);
  resetPeak(intake.pid!);
  const intakePeak = watchPeak(intake.pid!);
  const started = process.hrtime.bigint();
  const cli = spawn(process.execPath, [...nodeArgs('BENCH_CLI_NODE_ARGS'), join(repoRoot, 'services/intake/dist/cli/intake-import.js'), 'observations', file, '--address', address,
    '--token', devToken('operator:kcell'), '--override', '--json', '--progress', 'plain', '--history', join(dir, 'history.json')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const cliPeak = watchPeak(cli.pid!, 50);
  let stdout = '';
  cli.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = await once(cli, 'exit');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peaks = { intake: intakePeak.stop(), cli: cliPeak.stop() };
  if (code !== 0) throw new Error(`intake-import exited ${code}: ${stdout}`);
  const result = JSON.parse(stdout.trim().split('\n').pop()!);
  const published = (await topicRecordCount(observationsTopic)) - before;
  process.stdout.write(`file import: ${JSON.stringify(result.counts)}, row errors ${result.rowErrors}; ${fmt(published)} records acknowledged on ${observationsTopic}\n`);
  report('file path (CSV → CLI → gRPC stream → intake → Kafka, acks=all)', generated.rows, seconds, generated.bytes, peaks);
  return { rowsPerSecond: generated.rows / seconds, recordsPerSecond: published / seconds };
}

async function grpcRun(address: string, intake: ChildProcess, day: number): Promise<PathFigures> {
  const client = createGrpcClient(IntakeServiceClient, address, { token: devToken('operator:beeline') });
  const random = seededRandom(7);
  const chunkRows = 2000;
  const before = await topicRecordCount(observationsTopic);
  resetPeak(intake.pid!);
  const intakePeak = watchPeak(intake.pid!);
  const started = process.hrtime.bigint();
  const summary = await new Promise<ObservationSummary>((resolve, reject) => {
    const stream = client.streamObservations((error, response) => (error ? reject(error) : resolve(response)));
    let sent = 0;
    const pump = () => {
      while (sent < ROWS) {
        const chunk: ObservationInput[] = [];
        for (let i = 0; i < chunkRows && sent < ROWS; i++, sent++) {
          const device = deviceOf(Math.floor(random() * ROWS * 2.5));
          chunk.push({ ...device, seenAt: new Date(day + Math.floor(random() * 86_000_000)), rat: 3, row: 0 });
        }
        if (!stream.write({ observations: chunk })) return void stream.once('drain', pump);
      }
      stream.end();
    };
    pump();
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peak = intakePeak.stop();
  client.close();
  const published = (await topicRecordCount(observationsTopic)) - before;
  const { violations: _, ...counts } = summary;
  process.stdout.write(`gRPC stream: ${JSON.stringify(counts)}; ${fmt(published)} records acknowledged\n`);
  report('gRPC client-streaming path (StreamObservations → intake → Kafka, acks=all)', ROWS, seconds, undefined, { intake: peak });
  return { rowsPerSecond: ROWS / seconds, recordsPerSecond: published / seconds };
}

interface CeilingRun {
  topic: string;
  records: number;
  batch: number;
  inFlight: number;
  idempotent: boolean;
}

/**
 * Child-process side of the ceiling: a bare kafkajs producer (the admin user, on a topic of its own
 * with the observations topic's partitions) sends `records` records shaped like intake's — key imei14,
 * an encoded Observation of realistic values, the content-type header — in batches of `batch` with
 * `inFlight` requests pipelined, acks from all in-sync replicas. Prints records/s as one JSON line.
 */
async function ceilingChild(run: CeilingRun): Promise<void> {
  const kafka = testKafka();
  const producer = kafka.producer({ idempotent: run.idempotent, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const random = seededRandom(11);
  const pool = Array.from({ length: 50_000 }, () => {
    const device = deviceOf(Math.floor(random() * 2_500_000));
    const imei14 = device.imei.slice(0, 14);
    const value = Observation.encode({
      imei14, imeiRaw: device.imei, malformed: false, checkDigitInvalid: false, imsi: device.imsi, msisdn: device.msisdn, operatorId: 'kcell',
      seenAt: new Date(Date.now() - Math.floor(random() * 86_400_000)), rat: 3, observationId: `obs-${'x'.repeat(22)}`,
    }).finish();
    return { key: imei14, value: Buffer.from(value) };
  });
  const contentType = contentTypeOf(topics.observations.messageType);
  const inFlight = new Set<Promise<unknown>>();
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < run.records; ) {
    const messages: Message[] = [];
    for (; messages.length < run.batch && sent < run.records; sent++) {
      const record = pool[sent % pool.length]!;
      messages.push({ key: record.key, value: record.value, headers: { 'content-type': contentType } });
    }
    const request = producer.send({ topic: run.topic, messages, acks: -1, compression: CompressionTypes.None });
    const tracked = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    while (inFlight.size >= run.inFlight) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await producer.disconnect();
  process.stdout.write(`${JSON.stringify({ perSecond: run.records / seconds })}\n`);
}

/** Runs one ceiling measurement in a fresh process (with intake's kafkajs speedups preloaded or not). */
async function ceiling(run: CeilingRun, speedups: boolean): Promise<number> {
  const args = [...(speedups ? ['--require', SPEEDUPS] : []), __filename, '--ceiling', JSON.stringify(run)];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`ceiling run exited ${code}`);
  return (JSON.parse(stdout.trim().split('\n').pop()!) as { perSecond: number }).perSecond;
}

async function ceilingRuns(file: PathFigures, stream: PathFigures): Promise<void> {
  const spec = await createTestTopic(topics.observations);
  try {
    const base = { topic: spec.name, records: CEILING_RECORDS };
    const intakeShape = { ...base, batch: INTAKE_BATCH, inFlight: INTAKE_IN_FLIGHT, idempotent: false };
    const withSpeedups = await ceiling(intakeShape, true);
    const stock = await ceiling(intakeShape, false);
    const reference = await ceiling({ ...base, batch: 5000, inFlight: 1, idempotent: true }, false);
    const line = (label: string, perSecond: number) => process.stdout.write(`producer ceiling, ${label}: ${fmt(perSecond)} records/s\n`);
    line(`intake's settings (batch ${INTAKE_BATCH}, ${INTAKE_IN_FLIGHT} in flight, not idempotent) with intake's kafkajs speedups`, withSpeedups);
    line(`same settings, stock kafkajs`, stock);
    line('idempotent, batch 5000, stock kafkajs', reference);
    const share = (figures: PathFigures) =>
      `${fmt(figures.recordsPerSecond)} records/s acknowledged = ${((figures.recordsPerSecond / withSpeedups) * 100).toFixed(0)} % of the ceiling ` +
      `(rows/s ÷ ceiling ${(figures.rowsPerSecond / withSpeedups).toFixed(2)})`;
    process.stdout.write(`file path: ${share(file)}\ngRPC stream: ${share(stream)}\n`);
  } finally {
    await deleteTopics([spec.name]);
  }
}

async function main(): Promise<void> {
  execFileSync('bash', [join(repoRoot, 'deploy/local/stack.sh'), 'up'], { stdio: 'inherit', cwd: repoRoot });
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const intake = await startIntake(port);
  process.stdout.write(`intake node flags (services/intake/package.json config.nodeFlags + BENCH_INTAKE_NODE_ARGS): ${[...serviceNodeFlags('intake'), ...nodeArgs('BENCH_INTAKE_NODE_ARGS')].join(' ') || 'none'}\n`);
  try {
    const today = startOfAlmatyDay(almatyDate(Date.now()));
    const day = (n: number) => today - n * 86_400_000;
    const file = await fileRun(address, intake, dir, [day(2), day(1)]);
    const stream = await grpcRun(address, intake, day(3));
    intake.kill('SIGTERM');
    await once(intake, 'exit');
    if (CEILING_RECORDS > 0) await ceilingRuns(file, stream);
  } finally {
    if (intake.exitCode === null && intake.signalCode === null) {
      intake.kill('SIGTERM');
      await once(intake, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
    await deleteTopics([observationsTopic, `${topics.applications.name}${TOPIC_SUFFIX}`]);
  }
}

const ceilingArg = process.argv.indexOf('--ceiling');
(ceilingArg >= 0 ? ceilingChild(JSON.parse(process.argv[ceilingArg + 1]!) as CeilingRun) : main()).catch((error) => {
  process.stderr.write(`bench:intake failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
