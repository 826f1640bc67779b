import type { Kafka, KafkaMessage } from 'kafkajs';
import type { TopicSpec } from '@imei/contracts';
import { createKafka, ensureTopics } from '@imei/kafka';
import { stackEnv } from './stack-env';
import { uniqueName, waitFor } from './wait-for';

/** A kafkajs client for `user` (default the admin) on the local secured broker. */
export function testKafka(user = stackEnv.adminUser, password = user === stackEnv.adminUser ? stackEnv.adminPassword : stackEnv.passwordOf(user)): Kafka {
  return createKafka({ brokers: stackEnv.brokers, clientId: uniqueName(`test-${user}`), username: user, password });
}

/**
 * A copy of a registry topic under a unique name, created on the broker: tests get their own topic
 * and never see each other's records.
 */
export async function createTestTopic<T>(spec: TopicSpec<T>, kafka: Kafka = testKafka(), partitions = spec.partitions): Promise<TopicSpec<T>> {
  const copy = { ...spec, name: uniqueName(spec.name), partitions };
  await ensureTopics(kafka, [copy]);
  return copy;
}

/** Deletes topics created by a test (cleanup registered next to creation). */
export async function deleteTopics(names: string[], kafka: Kafka = testKafka()): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: names });
  } finally {
    await admin.disconnect();
  }
}

/** Reads a topic from the beginning until `count` records arrived (or times out), as the admin. */
export async function readTopic(topic: string, count: number, timeoutMs = 20_000, kafka: Kafka = testKafka()): Promise<KafkaMessage[]> {
  const seen: KafkaMessage[] = [];
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message) });
  try {
    await waitFor(`${count} records on ${topic} (have ${seen.length})`, () => seen.length >= count, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

/** Current end offsets of a topic, summed over partitions. */
export async function topicRecordCount(topic: string, kafka: Kafka = testKafka()): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads every record of a topic from the beginning to the end offsets it has now, as the admin, and
 * hands each to `onRecord` (partition order kept). Resolves once every non-empty partition was read.
 */
export async function readTopicToEnd(topic: string, onRecord: (message: KafkaMessage, partition: number) => void, timeoutMs = 30_000, kafka: Kafka = testKafka()): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high) - 1]));
  if (remaining.size === 0) return;
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (!remaining.has(partition)) return;
      onRecord(message, partition);
      if (Number(message.offset) >= remaining.get(partition)!) remaining.delete(partition);
    },
  });
  try {
    await waitFor(`${topic} read to its end`, () => remaining.size === 0, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
}
