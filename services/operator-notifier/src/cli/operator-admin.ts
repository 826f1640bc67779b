#!/usr/bin/env node
/**
 * Onboards an operator on the running local broker, or rotates its password (no restart, no reformat):
 *   npm run operator:onboard -- <operator-id> [--password <p>]   SCRAM user op-<id>, its ACLs, its notices topic
 *   npm run operator:rotate  -- <operator-id> [--password <p>]   new SCRAM password for op-<id>
 * Without --password a random one is generated and printed once. Runs as the broker admin
 * (KAFKA_ADMIN_PASSWORD, default the dev password).
 */
import { EnvReader, readInfrastructureConfig } from '@imei/config';
import { createKafka, operatorPrincipal } from '@imei/kafka';
import { checkOperatorId, grantOperator, newOperatorPassword, setOperatorCredential } from '../adapters/operator-onboarding';

function usage(): never {
  process.stderr.write('usage: operator-admin onboard|rotate <operator-id> [--password <password>]\n');
  process.exit(2);
}

async function main(): Promise<void> {
  const [command, operatorId, ...rest] = process.argv.slice(2);
  if ((command !== 'onboard' && command !== 'rotate') || !operatorId) usage();
  checkOperatorId(operatorId);
  const i = rest.indexOf('--password');
  const given = i >= 0 ? rest[i + 1] : undefined;
  if (i >= 0 && !given) usage();
  const password = given ?? newOperatorPassword();
  const principal = operatorPrincipal(operatorId);

  await setOperatorCredential(operatorId, password);
  process.stdout.write(`${command}: SCRAM-SHA-512 credential of ${principal} set\n`);
  if (command === 'onboard') {
    const env = new EnvReader({ ...process.env, KAFKA_USERNAME: 'admin', KAFKA_PASSWORD: process.env.KAFKA_ADMIN_PASSWORD ?? 'admin-dev-secret' });
    const infra = readInfrastructureConfig('operator-admin', env);
    const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: `operator-admin-${process.pid}`, username: infra.kafkaUsername, password: infra.kafkaPassword });
    const granted = await grantOperator(kafka, operatorId);
    process.stdout.write(`onboard: ${granted.acls} ACLs for ${principal} (consumer groups ${principal}.*), notices topic ${granted.noticesTopic}\n`);
  }
  if (!given) process.stdout.write(`password of ${principal}: ${password}\n`);
}

main().catch((error) => {
  process.stderr.write(`operator-admin: ${(error as Error).message}\n`);
  process.exit(1);
});
