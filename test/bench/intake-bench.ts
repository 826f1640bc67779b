/**
 * npm run bench:intake — intake throughput figures (a benchmark, not a timed test):
 *  1. file path: a generated 1,000,000-row operator dump imported end to end with the intake-import CLI
 *     (through StreamObservations, validation, de-duplication, publishing with acks from all ISR);
 *  2. gRPC path: 1,000,000 observations streamed directly with StreamObservations.
 * Prints rows/s, MB/s and the peak RSS of intake and of the CLI. Brings the local stack up first.
 * Env: BENCH_ROWS (default 1000000), BENCH_INTAKE_NODE_ARGS / BENCH_CLI_NODE_ARGS (extra node flags).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IntakeServiceClient, topics, type ObservationInput, type ObservationSummary } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { repoRoot, topicRecordCount, waitFor } from '@imei/testing';
import { startOfAlmatyDay, almatyDate } from '@imei/imei-rules';
import { deviceOf, seededRandom, writeObservationDump } from './observation-dump-generator';
import { resetPeak, watchPeak } from './process-rss';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
/** Extra node flags for the intake and CLI processes, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile them. */
const nodeArgs = (name: string) => (process.env[name] ?? '').split(' ').filter((arg) => arg !== '');
const MB = 1024 * 1024;
const fmt = (n: number) => Math.round(n).toLocaleString('en');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

async function startIntake(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeArgs('BENCH_INTAKE_NODE_ARGS'), join(repoRoot, 'services/intake/dist/main.js')], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, INTAKE_GRPC_ADDRESS: `127.0.0.1:${port}`, MONGODB_DATABASE: 'imei_intake_bench', LOG_LEVEL: 'error', KAFKAJS_NO_PARTITIONER_WARNING: '1' },
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

async function fileRun(address: string, intake: ChildProcess, dir: string, dayStarts: number[]): Promise<void> {
  const file = join(dir, 'kcell-dump.csv');
  const generated = await writeObservationDump(file, { rows: ROWS, devices: Math.round(ROWS * 2.5), dayStarts });
  process.stdout.write(`generated ${file}: ${fmt(generated.rows)} rows, ${(generated.bytes / MB).toFixed(1)} MB, ${generated.badRows} bad rows\n`);
  const before = await topicRecordCount(topics.observations.name);
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
  const published = (await topicRecordCount(topics.observations.name)) - before;
  process.stdout.write(`file import: ${JSON.stringify(result.counts)}, row errors ${result.rowErrors}; ${fmt(published)} records acknowledged on ${topics.observations.name}\n`);
  report('file path (CSV → CLI → gRPC stream → intake → Kafka, acks=all)', generated.rows, seconds, generated.bytes, peaks);
}

async function grpcRun(address: string, intake: ChildProcess, day: number): Promise<void> {
  const client = createGrpcClient(IntakeServiceClient, address, { token: devToken('operator:beeline') });
  const random = seededRandom(7);
  const chunkRows = 2000;
  const before = await topicRecordCount(topics.observations.name);
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
  const published = (await topicRecordCount(topics.observations.name)) - before;
  const { violations: _, ...counts } = summary;
  process.stdout.write(`gRPC stream: ${JSON.stringify(counts)}; ${fmt(published)} records acknowledged\n`);
  report('gRPC client-streaming path (StreamObservations → intake → Kafka, acks=all)', ROWS, seconds, undefined, { intake: peak });
}

async function main(): Promise<void> {
  execFileSync('bash', [join(repoRoot, 'deploy/local/stack.sh'), 'up'], { stdio: 'inherit', cwd: repoRoot });
  const dir = mkdtempSync(join(tmpdir(), 'intake-bench-'));
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const intake = await startIntake(port);
  try {
    const today = startOfAlmatyDay(almatyDate(Date.now()));
    const day = (n: number) => today - n * 86_400_000;
    await fileRun(address, intake, dir, [day(2), day(1)]);
    await grpcRun(address, intake, day(3));
  } finally {
    intake.kill('SIGTERM');
    await once(intake, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`bench:intake failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
