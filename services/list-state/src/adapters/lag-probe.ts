import type { Kafka } from 'kafkajs';
import type { PartitionOffsets } from '../domain/phase-recheck';

/** Offsets the lag barrier compares: a topic's end offsets now, and a group's committed offsets. */
export interface LagProbe {
  endOffsets(topic: string): Promise<PartitionOffsets>;
  committedOffsets(groupId: string, topic: string): Promise<PartitionOffsets>;
}

/** The lag probe over the Kafka admin API (keys `topic/partition`; no committed offset counts as 0). */
export class KafkaLagProbe implements LagProbe {
  constructor(private readonly kafka: Kafka) {}

  async endOffsets(topic: string): Promise<PartitionOffsets> {
    return this.withAdmin(async (admin) => new Map((await admin.fetchTopicOffsets(topic)).map((p) => [`${topic}/${p.partition}`, Number(p.high)])));
  }

  async committedOffsets(groupId: string, topic: string): Promise<PartitionOffsets> {
    return this.withAdmin(async (admin) => {
      const [found] = await admin.fetchOffsets({ groupId, topics: [topic] });
      return new Map((found?.partitions ?? []).map((p) => [`${topic}/${p.partition}`, Math.max(0, Number(p.offset))]));
    });
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }
}
