#!/usr/bin/env node
/**
 * dlq-replay: re-publishes dead letters to their source topics once the cause is fixed.
 *   npm run dlq:replay -- [--topic imei.observations.v1] [--kind invalid] [--dry-run]
 * Connects as KAFKA_USERNAME (default admin) with KAFKA_PASSWORD (default <user>-dev-secret).
 */
import { EnvReader, readInfrastructureConfig } from '@imei/config';
import { createLogger } from '@imei/log';
import { replayDeadLetters } from '../dlq-replay';
import { createKafka } from '../kafka-client';
import { TopicProducer } from '../topic-producer';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const env = new EnvReader({ KAFKA_USERNAME: 'admin', ...process.env });
  const infra = readInfrastructureConfig('dlq-replay', env);
  const logger = createLogger('dlq-replay', infra.logLevel);
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: infra.kafkaClientId, username: infra.kafkaUsername, password: infra.kafkaPassword }, logger);
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const summary = await replayDeadLetters({ kafka, producer, sourceTopic: flag('topic'), kind: flag('kind'), dryRun: process.argv.includes('--dry-run') });
  await producer.disconnect();
  process.stdout.write(JSON.stringify(summary) + '\n');
}

main().catch((error) => {
  process.stderr.write(`dlq-replay: ${(error as Error).message}\n`);
  process.exit(1);
});
