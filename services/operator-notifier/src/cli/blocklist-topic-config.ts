#!/usr/bin/env node
/**
 * Applies the national block-list topic's config on the running broker, as the admin
 * (KAFKA_ADMIN_PASSWORD, default the dev password):
 *   node services/operator-notifier/dist/cli/blocklist-topic-config.js [--dev] [--tombstone-days N] [--topic T]
 * Without flags: the registry's production values. --dev: compaction visible within minutes (local
 * stack). --tombstone-days: delete.retention.ms; set OPERATOR_NOTIFIER_TOMBSTONE_RETENTION_DAYS to
 * the same value so operators lagging near it are flagged.
 */
import { EnvReader, readInfrastructureConfig } from '@imei/config';
import { topics } from '@imei/contracts';
import { createKafka } from '@imei/kafka';
import { applyTopicConfig, blockListTopicConfig } from '../adapters/block-list-topic-config';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const days = at('--tombstone-days');
  const config = blockListTopicConfig(topics.blockList.config, { dev: args.includes('--dev'), tombstoneDays: days === undefined ? undefined : Number(days) });
  const env = new EnvReader({ ...process.env, KAFKA_USERNAME: 'admin', KAFKA_PASSWORD: process.env.KAFKA_ADMIN_PASSWORD ?? 'admin-dev-secret' });
  const infra = readInfrastructureConfig('blocklist-topic-config', env);
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: `blocklist-topic-config-${process.pid}`, username: infra.kafkaUsername, password: infra.kafkaPassword });
  const topic = at('--topic') ?? topics.blockList.name;
  await applyTopicConfig(kafka, topic, config);
  process.stdout.write(`blocklist-topic-config: ${topic} ${Object.entries(config).map(([k, v]) => `${k}=${v}`).join(' ')}\n`);
}

main().catch((error) => {
  process.stderr.write(`blocklist-topic-config: ${(error as Error).message}\n`);
  process.exit(1);
});
