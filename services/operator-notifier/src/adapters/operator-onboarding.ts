import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import { operatorNoticesTopic } from '@imei/contracts';
import { ensureTopicsWith, operatorAcls, operatorPrincipal } from '@imei/kafka';
import { isOperatorSlug } from '@imei/imei-rules';

const run = promisify(execFile);

/** Where `deploy/local/kafka.sh` is (the local broker's credential tool). */
export const localKafkaScript = join(__dirname, '..', '..', '..', '..', 'deploy', 'local', 'kafka.sh');

/** A fresh password the SCRAM tooling can carry (base64url: no `,` `[` `]` `=` quotes or spaces). */
export function newOperatorPassword(): string {
  return randomBytes(24).toString('base64url');
}

/** Refuses anything but an operator slug (`kcell`, `tele2-altel`): it becomes a principal and a topic name. */
export function checkOperatorId(operatorId: string): void {
  if (!isOperatorSlug(operatorId)) throw new Error(`operator id ${JSON.stringify(operatorId)} is not a lower-case slug like "kcell" or "tele2-altel"`);
}

/**
 * Sets the SCRAM-SHA-512 credential of operator `op-<id>` on the running local broker (creates the user
 * or rotates its password; effective at its next login, no restart, no storage reformat).
 */
export async function setOperatorCredential(operatorId: string, password: string, script = localKafkaScript): Promise<void> {
  checkOperatorId(operatorId);
  await run('bash', [script, 'add-user', operatorPrincipal(operatorId), password], { timeout: 180_000 });
}

/** Creates the operator's ACLs (read the block list and its own notices, its own group prefix) and its notices topic. */
export async function grantOperator(adminKafka: Kafka, operatorId: string): Promise<{ acls: number; noticesTopic: string }> {
  checkOperatorId(operatorId);
  const admin = adminKafka.admin();
  await admin.connect();
  try {
    const acl = operatorAcls(operatorId);
    await admin.createAcls({ acl });
    const notices = operatorNoticesTopic(operatorId);
    await ensureTopicsWith(admin, [notices]);
    return { acls: acl.length, noticesTopic: notices.name };
  } finally {
    await admin.disconnect();
  }
}

/** Removes the operator's ACLs (offboarding, test cleanup); its credential stays until rotated. */
export async function revokeOperator(adminKafka: Kafka, operatorId: string): Promise<void> {
  const admin = adminKafka.admin();
  await admin.connect();
  try {
    await admin.deleteAcls({ filters: operatorAcls(operatorId) });
  } finally {
    await admin.disconnect();
  }
}
