#!/usr/bin/env node
/**
 * Reference operator-side tool: keeps a local file-backed copy of the national block list and answers
 * "is this IMEI blocked". It is how an operator tests its integration.
 *   npm run operator:mirror -- --operator kcell --file kcell.blocklist [--follow] [--reconcile]
 *   npm run operator:mirror -- --file kcell.blocklist is-blocked 356938035643809
 * Kafka: user op-<operator> (KAFKA_PASSWORD, default op-<operator>-dev-secret), group op-<operator>.mirror.
 * --reconcile asks the notifier (OPERATOR_NOTIFIER_ADDRESS, default 127.0.0.1:50054; token GRPC_TOKEN,
 * default the dev token of operator:<operator>) for the count and digest at the copy's own offsets.
 */
import { OperatorNotifierServiceClient, topics } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { normaliseObservedImei } from '@imei/imei-rules';
import { createKafka, operatorPrincipal } from '@imei/kafka';
import { blockListDigest } from '../adapters/block-list-snapshot';
import { mirrorBlockList } from '../adapters/block-list-mirror';
import { MirrorTable } from '../adapters/mirror-table';
import { checkOperatorId } from '../adapters/operator-onboarding';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const file = flag(args, '--file');
  if (!file) throw new Error('--file <path> is required');
  const table = new MirrorTable(file).open();
  try {
    const query = args.indexOf('is-blocked');
    if (query >= 0) {
      const input = args[query + 1] ?? '';
      const { imei14 } = normaliseObservedImei(input);
      const row = table.isBlocked(imei14);
      process.stdout.write(row ? `BLOCKED ${row.imei} reason=${row.reason} since=${new Date(row.blockedAtMs).toISOString()} list_version=${row.listVersion}\n` : `NOT BLOCKED ${imei14}\n`);
      return row ? 0 : 3;
    }
    const operatorId = flag(args, '--operator');
    if (!operatorId) throw new Error('--operator <id> is required to consume');
    checkOperatorId(operatorId);
    const principal = operatorPrincipal(operatorId);
    const kafka = createKafka({
      brokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
      clientId: `${principal}-mirror`,
      username: principal,
      password: process.env.KAFKA_PASSWORD ?? `${principal}-dev-secret`,
    });
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    const started = Date.now();
    const offsets = await mirrorBlockList({ kafka, topic: topics.blockList.name, groupId: `${principal}.mirror`, table, follow: args.includes('--follow'), signal: stop.signal });
    const { count, digest } = blockListDigest(table.rows.keys());
    process.stdout.write(`mirror: ${count} blocked IMEIs at ${offsets.map((o) => `${o.partition}:${o.offset}`).join(',')} in ${Date.now() - started} ms; digest ${digest}\n`);
    if (args.includes('--reconcile')) {
      const client = createGrpcClient(OperatorNotifierServiceClient, process.env.OPERATOR_NOTIFIER_ADDRESS ?? '127.0.0.1:50054', { token: process.env.GRPC_TOKEN ?? devToken(`operator:${operatorId}`), deadlineMs: 600_000 });
      const registry = await call(client, 'reconcile', { offsets });
      client.close();
      const same = registry.count === count && registry.digest === digest;
      process.stdout.write(`reconcile: registry ${registry.count} / ${registry.digest} — ${same ? 'EXACT' : 'MISMATCH'}\n`);
      return same ? 0 : 4;
    }
    return 0;
  } finally {
    table.close();
  }
}

main().then((code) => process.exit(code), (error) => {
  process.stderr.write(`operator-mirror: ${(error as Error).message}\n`);
  process.exit(1);
});
