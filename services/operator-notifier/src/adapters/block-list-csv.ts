import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { listReasonToJSON, type BlockListChunk, type BlockListEntry, type PartitionOffset } from '@imei/contracts';

/** Columns of the legacy EIR export. */
export const csvHeader = 'imei,imei14,reason,blocked_at,list_version';

/** One CSV row; a malformed IMEI's raw key is quoted when it holds a comma or a quote. */
export function csvRow(entry: BlockListEntry): string {
  const quote = (v: string): string => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [quote(entry.imei), quote(entry.imei14), listReasonToJSON(entry.reason), entry.blockedAt?.toISOString() ?? '', String(entry.listVersion)].join(',');
}

/**
 * Writes a full block-list stream (StreamBlockList without `since`) as CSV to `path`, and the offsets
 * it is consistent with to `<path>.offsets.json`. Resolves with the row count and the offsets.
 */
export async function writeBlockListCsv(chunks: AsyncIterable<BlockListChunk>, path: string): Promise<{ rows: number; offsets: PartitionOffset[] }> {
  const out = createWriteStream(path);
  let rows = 0;
  let offsets: PartitionOffset[] = [];
  const write = async (text: string): Promise<void> => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${csvHeader}\n`);
  for await (const chunk of chunks) {
    if (chunk.entries.length > 0) await write(`${chunk.entries.map(csvRow).join('\n')}\n`);
    rows += chunk.entries.length;
    if (chunk.offsets.length > 0) offsets = chunk.offsets;
  }
  out.end();
  await once(out, 'finish');
  const meta = createWriteStream(`${path}.offsets.json`);
  meta.end(`${JSON.stringify({ offsets, rows }, null, 2)}\n`);
  await once(meta, 'finish');
  return { rows, offsets };
}
