import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { operatorNoticesTopic, topics } from '@imei/contracts';
import { ensureTopics, TopicProducer } from '@imei/kafka';
import { deleteTopics, repoRoot, stackEnv, testKafka, uniqueName } from '@imei/testing';
import { readBlockListSnapshot } from './block-list-snapshot';
import { revokeOperator } from './operator-onboarding';

const run = promisify(execFile);

/** A client logging in as `user` with `password`, with few retries so denials surface fast. */
function client(user: string, password = stackEnv.passwordOf(user)): Kafka {
  return new Kafka({
    clientId: uniqueName(`access-${user}`),
    brokers: stackEnv.brokers,
    sasl: { mechanism: 'scram-sha-512', username: user, password },
    retry: { retries: 1, initialRetryTime: 100 },
    logLevel: logLevel.NOTHING,
  });
}

/**
 * Joins `groupId` as `kafka` and fetches `topic` once (kafkajs emits FETCH after a fetch request got an
 * answer, empty or not): resolves when the broker served a fetch, rejects with the error when it crashed.
 */
async function fetchesFrom(kafka: Kafka, topic: string, groupId: string): Promise<void> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  await consumer.connect();
  try {
    const fetched = new Promise<void>((resolve, reject) => {
      consumer.on(consumer.events.FETCH, () => resolve());
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    });
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: async () => undefined });
    await fetched;
  } finally {
    await consumer.disconnect();
  }
}

/** A client for `user` whose kafkajs log is kept, to see the broker's own error codes. */
function observedClient(user: string): { kafka: Kafka; errors: string[] } {
  const errors: string[] = [];
  const kafka = new Kafka({
    clientId: uniqueName(`access-${user}`),
    brokers: stackEnv.brokers,
    sasl: { mechanism: 'scram-sha-512', username: user, password: stackEnv.passwordOf(user) },
    retry: { retries: 1, initialRetryTime: 100 },
    logLevel: logLevel.DEBUG,
    logCreator: () => ({ log }: LogEntry) => {
      const error = (log as { error?: { type?: string } | string }).error;
      const type = typeof error === 'object' ? error?.type : undefined;
      if (type) errors.push(type);
    },
  });
  return { kafka, errors };
}

/** Subscribing to and fetching `topic` as `kafka`: rejects when the broker denies it. */
async function tryRead(kafka: Kafka, topic: string, groupId: string): Promise<void> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0 } });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
  } finally {
    await consumer.disconnect();
  }
}

describe('operator access control on the real broker (SASL/SCRAM + ACLs)', () => {
  const beelineNotices = operatorNoticesTopic('beeline');
  beforeAll(async () => {
    await ensureTopics(testKafka(), [topics.blockList, beelineNotices, operatorNoticesTopic('kcell')]);
  });

  it('lets operator kcell read the national block list under its own group prefix', async () => {
    const kcell = client('op-kcell');
    await expect(fetchesFrom(kcell, topics.blockList.name, uniqueName('op-kcell.access'))).resolves.toBeUndefined();
    const snapshot = await readBlockListSnapshot(kcell, topics.blockList.name, uniqueName('op-kcell.access'));
    expect(snapshot.offsets.length).toBe(topics.blockList.partitions);
    await expect(fetchesFrom(kcell, operatorNoticesTopic('kcell').name, uniqueName('op-kcell.notices'))).resolves.toBeUndefined();
  });

  it("denies operator kcell reading operator beeline's notices", async () => {
    await expect(tryRead(client('op-kcell'), beelineNotices.name, uniqueName('op-kcell.steal'))).rejects.toThrow(/not authorized/i);
  });

  it('denies operator kcell producing to the block list (or anywhere)', async () => {
    // Not idempotent: an operator may not even obtain a producer id, which would hide the topic denial.
    const producer = new TopicProducer(client('op-kcell'), { ordered: false });
    await producer.connect();
    try {
      await expect(producer.sendEncoded([{ topic: topics.blockList.name, key: '35693803564380', value: null, headers: {} }])).rejects.toThrow(/not authorized/i);
      await expect(producer.sendEncoded([{ topic: operatorNoticesTopic('kcell').name, key: '77010000001', value: null, headers: {} }])).rejects.toThrow(/not authorized/i);
    } finally {
      await producer.disconnect();
    }
  });

  it("denies operator kcell a consumer group outside its prefix", async () => {
    const kcell = observedClient('op-kcell');
    await expect(fetchesFrom(kcell.kafka, topics.blockList.name, uniqueName('op-beeline.stolen'))).rejects.toBeDefined();
    expect(kcell.errors).toContain('GROUP_AUTHORIZATION_FAILED');
  });

  describe('onboarding a new operator on the running broker, then rotating its password', () => {
    // A fresh slug per run: the broker keeps users across runs (there is no user deletion in kafka.sh).
    const operatorId = `t${Date.now().toString(36)}${process.pid % 1000}`;
    const principal = `op-${operatorId}`;
    const cli = join(repoRoot, 'services/operator-notifier/dist/cli/operator-admin.js');
    afterAll(async () => {
      await revokeOperator(testKafka(), operatorId);
      await deleteTopics([operatorNoticesTopic(operatorId).name]).catch(() => undefined);
    });

    it('creates the credential, ACLs and notices topic with one command; rotation locks out the old password', async () => {
      await run(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--build', 'services/operator-notifier'], { cwd: repoRoot });
      const onboard = await run(process.execPath, [cli, 'onboard', operatorId, '--password', 'first-secret-1'], { cwd: repoRoot });
      expect(onboard.stdout).toContain(`notices topic ${operatorNoticesTopic(operatorId).name}`);

      const first = client(principal, 'first-secret-1');
      await expect(fetchesFrom(first, topics.blockList.name, uniqueName(`${principal}.load`))).resolves.toBeUndefined();
      await expect(fetchesFrom(first, operatorNoticesTopic(operatorId).name, uniqueName(`${principal}.notices`))).resolves.toBeUndefined();
      await expect(tryRead(first, operatorNoticesTopic('kcell').name, uniqueName(`${principal}.steal`))).rejects.toThrow(/not authorized/i);

      const rotate = await run(process.execPath, [cli, 'rotate', operatorId], { cwd: repoRoot });
      const password = /password of op-[a-z0-9-]+: (\S+)/.exec(rotate.stdout)?.[1];
      expect(password).toBeDefined();
      const old = client(principal, 'first-secret-1').admin();
      await expect(old.connect()).rejects.toThrow(/authentication failed/i);
      await expect(fetchesFrom(client(principal, password), topics.blockList.name, uniqueName(`${principal}.reload`))).resolves.toBeUndefined();
    });
  });
});
