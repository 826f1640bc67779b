import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ApplicationKind, type IntakeServiceClient, type SubmitApplicationRequest } from '@imei/contracts';
import { call, readBadRequest } from '@imei/grpc';
import { mapHeader, splitCsvLine } from './csv-fields';
import { readCsvLines } from './csv-lines';
import type { ErrorReport } from './error-report';
import type { Progress } from './progress';

/** Columns of a distributor registration file: one device per row. */
export const REGISTRATION_COLUMNS = ['imei1', 'model', 'owner_ref', 'document_ref'] as const;
export const OPTIONAL_REGISTRATION_COLUMNS = ['imei2', 'imei3', 'imei4', 'document_kind'] as const;

export interface RegistrationImportOptions {
  file: string;
  client: IntakeServiceClient;
  report: ErrorReport;
  progress: (totalBytes: number) => Progress;
  /** Applications submitted concurrently; default 16. */
  concurrency?: number;
  maxLineBytes?: number;
}

export type RegistrationImportResult =
  | { outcome: 'unusable'; problem: string }
  | { outcome: 'imported'; dataRows: number; submitted: number; duplicates: number; approved: number; rowErrors: number };

/** SHA-256 of the file's bytes: with the row number, each row's idempotency key. */
async function fileDigest(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Imports a distributor's registration file through intake's SubmitApplication, one application per
 * row, idempotency key = file digest + row number: re-running the same file (after a crash or a
 * partial failure) returns the first receipts instead of filing devices twice.
 */
export async function importRegistrations(options: RegistrationImportOptions): Promise<RegistrationImportResult> {
  const { file, report, client } = options;
  const digest = await fileDigest(file);
  const progress = options.progress((await stat(file)).size);
  const concurrency = options.concurrency ?? 16;
  const result = { outcome: 'imported' as const, dataRows: 0, submitted: 0, duplicates: 0, approved: 0, rowErrors: 0 };
  const inFlight = new Set<Promise<void>>();
  let columns: Record<string, number> | undefined;
  let fatal: Error | undefined;

  const submit = async (row: number, request: SubmitApplicationRequest) => {
    try {
      const receipt = await call(client, 'submitApplication', request, { deadline: Date.now() + 30_000 });
      result.submitted += 1;
      if (receipt.duplicate) result.duplicates += 1;
      if (receipt.application?.status === 2) result.approved += 1;
    } catch (error) {
      const e = error as ServiceError;
      if (e.code !== status.INVALID_ARGUMENT) {
        fatal ??= new Error(`row ${row}: ${e.details ?? e.message}`);
        return;
      }
      result.rowErrors += 1;
      const violations = readBadRequest(e) ?? [];
      if (violations.length === 0) await report.add(row, '', '', e.details);
      for (const v of violations) await report.add(row, v.field, '', v.description);
    }
  };

  for await (const batch of readCsvLines(file, { maxLineBytes: options.maxLineBytes })) {
    for (const line of batch) {
      if (fatal) throw fatal;
      if (line.row === 1) {
        const mapping = line.error ? { ok: false as const, problem: 'the header line is unreadable: not a CSV file' } : mapHeader(line.text, REGISTRATION_COLUMNS, OPTIONAL_REGISTRATION_COLUMNS);
        if (!mapping.ok) return { outcome: 'unusable', problem: mapping.problem };
        columns = mapping.columns;
        continue;
      }
      result.dataRows += 1;
      const fields = line.error ? undefined : splitCsvLine(line.text);
      if (!fields || !columns) {
        result.rowErrors += 1;
        await report.add(line.row, '', '', line.error === 'too-long' ? 'the row is too long' : line.error ? 'the row is not valid UTF-8' : 'the row has unbalanced quotes');
        continue;
      }
      const cell = (name: string) => (columns![name]! >= 0 ? (fields[columns![name]!] ?? '').trim() : '');
      const imeis = ['imei1', 'imei2', 'imei3', 'imei4'].map(cell).filter((imei) => imei !== '');
      const documentRef = cell('document_ref');
      const request: SubmitApplicationRequest = {
        idempotencyKey: `file-${digest}-row-${line.row}`,
        kind: ApplicationKind.APPLICATION_KIND_REGISTRATION,
        imeis,
        ownerRef: cell('owner_ref'),
        model: cell('model'),
        documents: documentRef === '' ? [] : [{ kind: cell('document_kind') || 'distributor-document', reference: documentRef }],
        deviceId: '',
        claimedSource: 0,
      };
      const task: Promise<void> = submit(line.row, request).finally(() => inFlight.delete(task));
      inFlight.add(task);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    progress.update(result.dataRows);
  }
  await Promise.all(inFlight);
  if (fatal) throw fatal;
  progress.done();
  if (columns === undefined) return { outcome: 'unusable', problem: 'the file is empty: a header line imei1,...,model,owner_ref,document_ref is required' };
  return result;
}
