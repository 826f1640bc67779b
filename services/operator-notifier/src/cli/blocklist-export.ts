#!/usr/bin/env node
/**
 * CSV export of the national block list for legacy EIRs that cannot use Kafka:
 *   npm run blocklist:export -- --out blocklist.csv [--operator kcell]
 * Streams StreamBlockList from the notifier (OPERATOR_NOTIFIER_ADDRESS, default 127.0.0.1:50054; token
 * GRPC_TOKEN, default the dev token of operator:<operator>) and writes the per-partition offsets the
 * file is consistent with to <out>.offsets.json (resume later with the changes since them).
 */
import { OperatorNotifierServiceClient, type BlockListChunk } from '@imei/contracts';
import { createGrpcClient, devToken } from '@imei/grpc';
import { writeBlockListCsv } from '../adapters/block-list-csv';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const out = at('--out');
  if (!out) throw new Error('--out <file.csv> is required');
  const operator = at('--operator') ?? 'kcell';
  const client = createGrpcClient(OperatorNotifierServiceClient, process.env.OPERATOR_NOTIFIER_ADDRESS ?? '127.0.0.1:50054', { token: process.env.GRPC_TOKEN ?? devToken(`operator:${operator}`) });
  try {
    const { rows, offsets } = await writeBlockListCsv(client.streamBlockList({ since: [] }) as AsyncIterable<BlockListChunk>, out);
    process.stdout.write(`blocklist-export: ${rows} rows to ${out} at ${offsets.map((o) => `${o.partition}:${o.offset}`).join(',')}\n`);
  } finally {
    client.close();
  }
}

main().catch((error) => {
  process.stderr.write(`blocklist-export: ${(error as Error).message}\n`);
  process.exit(1);
});
