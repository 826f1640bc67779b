#!/usr/bin/env node
/**
 * apply-acls: creates the ACLs of every service and of the given operators on the running broker,
 * as the admin principal. Idempotent (Kafka ignores an ACL that already exists).
 *   node libs/kafka/dist/bin/apply-acls.js [--operators kcell,beeline,tele2-altel]
 */
import { EnvReader, readInfrastructureConfig } from '@imei/config';
import { operatorAcls, serviceAcls, serviceNames } from '../acl-plan';
import { createKafka } from '../kafka-client';

async function main(): Promise<void> {
  const env = new EnvReader({ KAFKA_USERNAME: 'admin', ...process.env });
  const infra = readInfrastructureConfig('apply-acls', env);
  const i = process.argv.indexOf('--operators');
  const operators = i >= 0 ? (process.argv[i + 1] ?? '').split(',').filter(Boolean) : env.list('OPERATORS', ['kcell', 'beeline', 'tele2-altel']);
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'apply-acls', username: infra.kafkaUsername, password: infra.kafkaPassword });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const acl = [...serviceNames.flatMap(serviceAcls), ...operators.flatMap(operatorAcls)];
    await admin.createAcls({ acl });
    process.stdout.write(`apply-acls: ${acl.length} ACLs for ${serviceNames.length} services and operators ${operators.join(', ')}\n`);
  } finally {
    await admin.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`apply-acls: ${(error as Error).message}\n`);
  process.exit(1);
});
