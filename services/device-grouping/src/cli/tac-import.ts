import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Db } from 'mongodb';
import { connectMongo } from '@imei/mongo';
import type { TacDocument } from '../adapters/tac-directory';
import { readTacImportConfig } from '../config';
import { splitCsv, tacHeaderOf, tacRowOf } from '../domain/tac-row';
import type { TacModel } from '../domain/tac-model';

/** What an import did: rows stored, rows refused with the reason (row numbers are 1-based, header = 1). */
export interface TacImportSummary {
  imported: number;
  refused: { row: number; field: string; value: string; description: string }[];
}

const BATCH = 1000;

async function store(db: Db, models: readonly TacModel[]): Promise<void> {
  if (models.length === 0) return;
  await db.collection<TacDocument>('tac_models').bulkWrite(
    models.map(({ tac, ...rest }) => ({ replaceOne: { filter: { _id: tac }, replacement: rest, upsert: true } })),
    { ordered: false },
  );
}

/**
 * Imports a GSMA-style TAC CSV (TAC, brand, model, device type, SIM slots; header required, any column
 * order, gzip allowed) into `tac_models` by `_id` = TAC, replacing earlier rows of the same TAC. Bad rows
 * are reported and skipped; a file without a usable header is refused as a whole (throws).
 */
export async function importTacFile(db: Db, path: string): Promise<TacImportSummary> {
  const raw = createReadStream(path);
  const gzip = path.endsWith('.gz');
  const lines = createInterface({ input: gzip ? raw.pipe(createGunzip()) : raw, crlfDelay: Infinity });
  const summary: TacImportSummary = { imported: 0, refused: [] };
  let columns: Extract<ReturnType<typeof tacHeaderOf>, { ok: true }>['columns'] | undefined;
  let row = 0;
  let batch: TacModel[] = [];
  for await (const line of lines) {
    row++;
    if (line.trim() === '') continue;
    const fields = splitCsv(line);
    if (columns === undefined) {
      const header = fields === undefined ? { ok: false as const, problem: 'unbalanced quotes' } : tacHeaderOf(fields);
      if (!header.ok) throw new Error(`${path}: not a TAC file: ${header.problem}`);
      columns = header.columns;
      continue;
    }
    const parsed = fields === undefined ? { ok: false as const, field: 'line', value: line.slice(0, 80), description: 'unbalanced quotes' } : tacRowOf(fields, columns);
    if (!parsed.ok) {
      summary.refused.push({ row, field: parsed.field, value: parsed.value, description: parsed.description });
      continue;
    }
    batch.push(parsed.model);
    if (batch.length >= BATCH) {
      await store(db, batch);
      summary.imported += batch.length;
      batch = [];
    }
  }
  if (columns === undefined) throw new Error(`${path}: empty file, a header is required`);
  await store(db, batch);
  summary.imported += batch.length;
  return summary;
}

/** `npm run tac:import -- <file.csv[.gz]>`: exit 0 when imported (bad rows listed on stderr), 2 when the file is unusable. */
async function main(): Promise<void> {
  const path = process.argv[2];
  if (path === undefined || path.startsWith('-')) {
    process.stderr.write('usage: npm run tac:import -- <tac-file.csv[.gz]>   (MONGODB_URI, MONGODB_DATABASE)\n');
    process.exit(2);
  }
  const config = readTacImportConfig();
  const mongo = await connectMongo({ uri: config.mongoUri, database: config.mongoDatabase });
  try {
    const summary = await importTacFile(mongo.db, path);
    for (const r of summary.refused.slice(0, 50)) process.stderr.write(`row ${r.row}: ${r.field}=${JSON.stringify(r.value)}: ${r.description}\n`);
    if (summary.refused.length > 50) process.stderr.write(`… and ${summary.refused.length - 50} more refused rows\n`);
    process.stdout.write(`imported ${summary.imported} TAC rows, refused ${summary.refused.length}\n`);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
  } finally {
    await mongo.close();
  }
}

if (require.main === module) void main();
