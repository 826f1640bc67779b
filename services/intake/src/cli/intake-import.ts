#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import { IntakeServiceClient } from '@imei/contracts';
import { createGrpcClient } from '@imei/grpc';
import { readImportConfig } from '../config';
import { DEFAULT_DUMP_QUALITY, type DumpQualityThresholds, type QualityFinding } from '../domain/dump-quality';
import { ErrorReport } from './error-report';
import { ImportHistory } from './import-history';
import { importObservations } from './observation-import';
import { Progress, type ProgressMode } from './progress';
import { importRegistrations } from './registration-import';

/** Exit codes: 0 imported (row errors are in the report), 1 failure (usage, intake unreachable), 2 file unusable, 3 refused by a quality gate. */
const EXIT = { imported: 0, failure: 1, unusable: 2, refused: 3 } as const;

const usage = `usage: npm run intake:import -- <observations|registrations> <file.csv[.gz]> [options]
  observations   operator dump: header date,imei,imsi,msisdn,rat (any order); operator = the token's
  registrations  distributor file: header imei1,model,owner_ref,document_ref (+ imei2..imei4, document_kind)
options:
  --address host:port        intake gRPC address (env INTAKE_ADDRESS, default 127.0.0.1:50051)
  --token TOKEN              bearer token (env INTAKE_TOKEN)
  --errors FILE              per-row error report (default <file>.errors.csv)
  --progress auto|tty|plain|off   (default auto: a bar on a terminal, a line every 10 s otherwise)
  --json                     print the result as one JSON line
 quality gates (observations; refused with exit 3 unless --override):
  --override                 import even when a gate trips
  --max-empty-share N        default ${DEFAULT_DUMP_QUALITY.maxEmptyFieldShare}
  --max-unusable-imei-share N  default ${DEFAULT_DUMP_QUALITY.maxUnusableImeiShare}
  --max-stripped-zero-share N  default ${DEFAULT_DUMP_QUALITY.maxStrippedZeroShare}
  --min-volume-ratio N       default ${DEFAULT_DUMP_QUALITY.minVolumeRatio} (against the operator's recent average)
  --max-volume-ratio N       default ${DEFAULT_DUMP_QUALITY.maxVolumeRatio}
  --history FILE             recent row counts (env INTAKE_IMPORT_HISTORY, default ~/.imei-intake/import-history.json)
  --tac-file FILE            known TACs, one 8-digit TAC per line (stripped-zero gate)
exit codes: 0 imported (row errors in the report), 1 failure, 2 file unusable, 3 refused by a quality gate`;

function share(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  return n;
}

function printFindings(findings: readonly QualityFinding[]): void {
  for (const f of findings) process.stdout.write(`  ${f.tripped ? 'FAIL' : 'ok  '} ${f.gate}: ${f.detail}\n`);
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      address: { type: 'string' }, token: { type: 'string' }, errors: { type: 'string' }, progress: { type: 'string', default: 'auto' },
      json: { type: 'boolean', default: false }, override: { type: 'boolean', default: false }, history: { type: 'string' }, 'tac-file': { type: 'string' },
      'max-empty-share': { type: 'string' }, 'max-unusable-imei-share': { type: 'string' }, 'max-stripped-zero-share': { type: 'string' },
      'min-volume-ratio': { type: 'string' }, 'max-volume-ratio': { type: 'string' }, help: { type: 'boolean', default: false },
    },
  });
  const [kind, file] = positionals;
  if (values.help || (kind !== 'observations' && kind !== 'registrations') || !file) {
    process.stderr.write(`${usage}\n`);
    return values.help ? EXIT.imported : EXIT.failure;
  }
  const config = readImportConfig(homedir());
  const token = values.token ?? config.token;
  if (!token) throw new Error('a token is required: --token or INTAKE_TOKEN');
  const client = createGrpcClient(IntakeServiceClient, values.address ?? config.address, { token, idempotentMethods: ['submitApplication'] });
  const mode = Progress.modeFor(process.stderr, values.progress as 'auto' | ProgressMode);
  const progress = (label: string) => (total: number) => new Progress(mode, total, label);
  const report = new ErrorReport(values.errors ?? `${file}.errors.csv`);
  const print = (result: object, lines: string[]) => {
    if (values.json) process.stdout.write(`${JSON.stringify({ ...result, errorReport: report.path })}\n`);
    else process.stdout.write(`${lines.join('\n')}\n`);
  };
  try {
    if (kind === 'registrations') {
      const result = await importRegistrations({ file, client, report, progress: progress('registrations') });
      if (result.outcome === 'unusable') {
        print(result, [`refused: ${file} is unusable: ${result.problem}`]);
        return EXIT.unusable;
      }
      print(result, [
        `imported ${file}: ${result.dataRows} rows, ${result.submitted} applications (${result.duplicates} already submitted, ${result.approved} approved), ${result.rowErrors} row errors`,
        `error report: ${report.path}`,
      ]);
      return EXIT.imported;
    }
    const thresholds: DumpQualityThresholds = {
      ...DEFAULT_DUMP_QUALITY,
      maxEmptyFieldShare: share(values['max-empty-share'], DEFAULT_DUMP_QUALITY.maxEmptyFieldShare, 'max-empty-share'),
      maxUnusableImeiShare: share(values['max-unusable-imei-share'], DEFAULT_DUMP_QUALITY.maxUnusableImeiShare, 'max-unusable-imei-share'),
      maxStrippedZeroShare: share(values['max-stripped-zero-share'], DEFAULT_DUMP_QUALITY.maxStrippedZeroShare, 'max-stripped-zero-share'),
      minVolumeRatio: share(values['min-volume-ratio'], DEFAULT_DUMP_QUALITY.minVolumeRatio, 'min-volume-ratio'),
      maxVolumeRatio: share(values['max-volume-ratio'], DEFAULT_DUMP_QUALITY.maxVolumeRatio, 'max-volume-ratio'),
    };
    const history = new ImportHistory(values.history ?? config.historyFile);
    const historyKey = ImportHistory.keyOf(token);
    const knownTacs = values['tac-file'] ? new Set((await readFile(values['tac-file'], 'utf8')).split(/\r?\n/).map((t) => t.trim()).filter((t) => t !== '')) : new Set<string>();
    const result = await importObservations({
      file, client, report, progress: progress('observations'), thresholds, override: values.override,
      recentRowCounts: await history.recent(historyKey), knownTacs,
    });
    if (result.outcome === 'unusable') {
      print(result, [`refused: ${file} is unusable: ${result.problem}`]);
      return EXIT.unusable;
    }
    if (result.outcome === 'refused') {
      for (const f of result.findings.filter((x) => x.tripped)) await report.add(0, `quality:${f.gate}`, '', f.detail);
      if (!values.json) process.stdout.write(`refused: ${file} failed quality gates (re-run with --override to import anyway):\n`);
      if (!values.json) printFindings(result.findings);
      print(result, [`report: ${report.path}`]);
      return EXIT.refused;
    }
    await history.record(historyKey, result.dataRows);
    const c = result.counts;
    if (!values.json) printFindings(result.findings);
    print(result, [
      `imported ${file}: ${result.dataRows} rows; accepted ${c.accepted}, duplicates dropped ${c.duplicatesDropped}, ` +
        `flagged malformed ${c.flaggedMalformed}, flagged check digit ${c.flaggedCheckDigit}, rejected ${c.rejected + result.rowErrors} ` +
        `(${result.rowErrors} unreadable here, ${c.rejected} by intake)${values.override && result.findings.some((f) => f.tripped) ? ' [quality gates overridden]' : ''}`,
      `error report: ${report.path} (${report.count} entries)`,
    ]);
    return EXIT.imported;
  } finally {
    await report.close();
    client.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`intake-import: ${error.message}\n`);
    process.exitCode = EXIT.failure;
  },
);
