#!/usr/bin/env node
/**
 * ensure-topics: creates every topic of the registry (and the notices topic of each configured
 * operator) that does not exist yet, as the admin. Services also ensure their own topics at start-up.
 */
import { allTopics, operatorNoticesTopic } from '@imei/contracts';
import { EnvReader, readInfrastructureConfig } from '@imei/config';
import { createKafka } from '../kafka-client';
import { ensureTopics } from '../topic-admin';

async function main(): Promise<void> {
  const env = new EnvReader({ KAFKA_USERNAME: 'admin', ...process.env });
  const infra = readInfrastructureConfig('ensure-topics', env);
  const operators = env.list('OPERATORS', ['kcell', 'beeline', 'tele2-altel']);
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'ensure-topics', username: infra.kafkaUsername, password: infra.kafkaPassword });
  const specs = [...allTopics, ...operators.map(operatorNoticesTopic)];
  await ensureTopics(kafka, specs);
  process.stdout.write(`ensure-topics: ${specs.length} topics present\n`);
}

main().catch((error) => {
  process.stderr.write(`ensure-topics: ${(error as Error).message}\n`);
  process.exit(1);
});
