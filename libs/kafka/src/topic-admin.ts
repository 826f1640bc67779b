import type { Admin, Kafka } from 'kafkajs';
import type { TopicSpec } from '@imei/contracts';

/**
 * Creates the topics that do not exist yet, with their partitions and configs from the registry, and
 * waits until their metadata is visible (kafkajs cannot subscribe to a topic before it exists).
 * Existing topics are left as they are. Idempotent; safe to race with other services.
 */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopicsWith(admin, specs);
  } finally {
    await admin.disconnect();
  }
}

/** As {@link ensureTopics}, with a connected admin client. */
export async function ensureTopicsWith(admin: Admin, specs: readonly TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((s) => ({
          topic: s.name,
          numPartitions: s.partitions,
          replicationFactor: 1,
          configEntries: Object.entries(s.config).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      // Another service created it between our list and create: fine.
      if (!String((error as Error).message).includes('already exists')) throw error;
    }
  }
  await admin.fetchTopicMetadata({ topics: specs.map((s) => s.name) });
}
