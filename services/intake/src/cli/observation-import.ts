import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import type { ClientWritableStream } from '@grpc/grpc-js';
import { IntakeServiceService, type IntakeServiceClient, type ObservationSummary } from '@imei/contracts';
import { DUMP_COLUMNS, observationOfDumpRow, type DumpColumn } from '../domain/dump-row';
import { DumpQualityScan, evaluateDumpQuality, type DumpQualityThresholds, type QualityFinding } from '../domain/dump-quality';
import type { ObservationCounts } from '../domain/observation-tally';
import { mapHeader, splitCsvLine } from './csv-fields';
import { readCsvLines, type CsvLine } from './csv-lines';
import { ObservationChunk } from './observation-chunk';
import type { ErrorReport } from './error-report';
import type { Progress } from './progress';

export interface ObservationImportOptions {
  file: string;
  client: IntakeServiceClient;
  report: ErrorReport;
  progress: (totalBytes: number) => Progress;
  thresholds: DumpQualityThresholds;
  /** Import even when a quality gate trips. */
  override: boolean;
  /** The operator's recent row counts (volume gate). */
  recentRowCounts: readonly number[];
  knownTacs: ReadonlySet<string>;
  /** Rows per stream message; default 2000. */
  chunkRows?: number;
  /** Rows per StreamObservations call (each returns a summary; 2 calls overlap); default 200000. */
  segmentRows?: number;
  maxLineBytes?: number;
}

export type ObservationImportResult =
  | { outcome: 'unusable'; problem: string }
  | { outcome: 'refused'; findings: QualityFinding[] }
  | { outcome: 'imported'; findings: QualityFinding[]; dataRows: number; rowErrors: number; counts: Omit<ObservationCounts, 'violations'> };

const lineProblem: Record<NonNullable<CsvLine['error']>, string> = {
  'invalid-utf8': 'the row is not valid UTF-8',
  'too-long': 'the row is longer than the longest row accepted',
};

/** Reads the header; undefined columns with the problem when the file is unusable. */
async function headerOf(file: string, maxLineBytes?: number): Promise<{ columns?: Record<DumpColumn, number>; problem?: string }> {
  for await (const batch of readCsvLines(file, { maxLineBytes })) {
    const first = batch[0]!;
    if (first.error) return { problem: `the header line is unreadable (${lineProblem[first.error]}): not a CSV file` };
    const mapping = mapHeader(first.text, DUMP_COLUMNS);
    return mapping.ok ? { columns: mapping.columns } : { problem: mapping.problem };
  }
  return { problem: 'the file is empty: a header line date,imei,imsi,msisdn,rat is required' };
}

/** First pass: the quality gates' counts. */
async function scanQuality(file: string, columns: Record<DumpColumn, number>, maxLineBytes?: number): Promise<DumpQualityScan> {
  const scan = new DumpQualityScan();
  for await (const batch of readCsvLines(file, { maxLineBytes })) {
    for (const line of batch) {
      if (line.row === 1) continue;
      const fields = line.error ? undefined : splitCsvLine(line.text);
      if (!fields) {
        scan.add('', '', '', '');
        continue;
      }
      scan.add(fields[columns.date] ?? '', fields[columns.imei] ?? '', fields[columns.imsi] ?? '', fields[columns.msisdn] ?? '');
    }
  }
  return scan;
}

/**
 * Imports an operator dump through intake's StreamObservations: header check, quality gates (first
 * pass), then a second streamed pass that sends rows in chunks, numbered with their file row so the
 * server's violations land in the error report against the right row. Memory stays constant: one
 * read buffer, one chunk being built, a bounded number of chunks in grpc's write buffer.
 */
export async function importObservations(options: ObservationImportOptions): Promise<ObservationImportResult> {
  const { file, report } = options;
  const header = await headerOf(file, options.maxLineBytes);
  if (!header.columns) return { outcome: 'unusable', problem: header.problem! };
  const columns = header.columns;
  const scan = await scanQuality(file, columns, options.maxLineBytes);
  const findings = evaluateDumpQuality(scan, options.thresholds, options.recentRowCounts, options.knownTacs);
  if (findings.some((f) => f.tripped) && !options.override) return { outcome: 'refused', findings };

  const chunkRows = options.chunkRows ?? 2000;
  const segmentRows = options.segmentRows ?? 200_000;
  const progress = options.progress((await stat(file)).size);
  const counts = { received: 0, accepted: 0, duplicatesDropped: 0, flaggedMalformed: 0, flaggedCheckDigit: 0, rejected: 0 };
  const summaries: Promise<void>[] = [];
  let dataRows = 0;
  let rowErrors = 0;
  let bytes = 0;
  let segment: { call: ClientWritableStream<Buffer>; rows: number } | undefined;
  const chunk = new ObservationChunk();

  const absorb = async (summary: ObservationSummary): Promise<void> => {
    counts.received += summary.received;
    counts.accepted += summary.accepted;
    counts.duplicatesDropped += summary.duplicatesDropped;
    counts.flaggedMalformed += summary.flaggedMalformed;
    counts.flaggedCheckDigit += summary.flaggedCheckDigit;
    counts.rejected += summary.rejected;
    for (const v of summary.violations) await report.add(v.index, v.field, v.value, v.description);
    const unlisted = summary.rejected - summary.violations.length;
    if (unlisted > 0) await report.add(0, '', '', `${unlisted} more rejected rows were not itemised by the server (violation cap)`);
  };
  const openSegment = () => {
    let settle!: (summary: ObservationSummary) => void;
    let fail!: (error: Error) => void;
    const done = new Promise<ObservationSummary>((resolve, reject) => ((settle = resolve), (fail = reject)));
    // StreamObservations with requests the chunk encoded itself (same bytes as the generated codec).
    const method = IntakeServiceService.streamObservations;
    const call = options.client.makeClientStreamRequest<Buffer, ObservationSummary>(method.path, (bytes) => bytes, method.responseDeserialize, (error, summary) =>
      error ? fail(error) : settle(summary!),
    );
    const absorbed = done.then(absorb);
    absorbed.catch(() => undefined); // awaited in order below; this only keeps an early failure from being "unhandled"
    summaries.push(absorbed);
    return { call, rows: 0 };
  };
  const flush = async () => {
    if (chunk.count === 0) return;
    segment ??= openSegment();
    segment.rows += chunk.count;
    if (!segment.call.write(chunk.take())) await once(segment.call, 'drain');
    if (segment.rows >= segmentRows) {
      segment.call.end();
      segment = undefined;
      while (summaries.length >= 2) await summaries.shift();
    }
  };

  for await (const batch of readCsvLines(file, { maxLineBytes: options.maxLineBytes, onBytes: (n) => (bytes = n) })) {
    for (const line of batch) {
      if (line.row === 1) continue;
      dataRows += 1;
      if (line.error) {
        rowErrors += 1;
        await report.add(line.row, '', '', lineProblem[line.error]);
        continue;
      }
      const fields = splitCsvLine(line.text);
      if (!fields) {
        rowErrors += 1;
        await report.add(line.row, '', line.text.slice(0, 64), 'the row has unbalanced quotes');
        continue;
      }
      const verdict = observationOfDumpRow(fields, columns, line.row);
      if (!verdict.ok) {
        rowErrors += 1;
        await report.add(line.row, verdict.violation.field, verdict.violation.value, verdict.violation.description);
        continue;
      }
      const input = verdict.input;
      chunk.add(input.imei, input.imsi, input.msisdn, input.seenAt!.getTime(), input.rat, input.row);
      if (chunk.count >= chunkRows) await flush();
    }
    progress.update(dataRows, bytes);
  }
  await flush();
  segment?.call.end();
  for (const summary of summaries) await summary;
  progress.done();
  return { outcome: 'imported', findings, dataRows, rowErrors, counts };
}
