import type { Kafka } from 'kafkajs';
import { topics, type DeadLetter } from '@imei/contracts';
import type { TopicProducer } from './topic-producer';

export interface DlqReplayOptions {
  kafka: Kafka;
  producer: TopicProducer;
  /** Only dead letters from this source topic; default all. */
  sourceTopic?: string;
  /** Only dead letters of this kind (decode, invalid, unknown); default all. */
  kind?: string;
  /** Re-publish nothing, only count. Default false. */
  dryRun?: boolean;
  /** Stop after this long without a new record, default 3000 ms. */
  idleMs?: number;
}

export interface DlqReplaySummary {
  scanned: number;
  replayed: number;
  bySourceTopic: Record<string, number>;
}

/**
 * Reads `imei.dlq.v1` from the beginning up to its current end and re-publishes the selected dead
 * letters to their source topics with their original key, value and headers (once the cause is fixed).
 * Consumers are idempotent, so replaying a record that was already replayed is harmless.
 */
export async function replayDeadLetters(options: DlqReplayOptions): Promise<DlqReplaySummary> {
  const { kafka, producer } = options;
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topics.deadLetters.name);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => p.high !== p.low).map((p) => [p.partition, BigInt(p.high)]));
  const summary: DlqReplaySummary = { scanned: 0, replayed: 0, bySourceTopic: {} };
  if (remaining.size === 0) return summary;

  const consumer = kafka.consumer({ groupId: `dlq-replay-${Date.now()}-${process.pid}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topics.deadLetters.name, fromBeginning: true });
  let lastProgress = Date.now();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const replay: DeadLetter[] = [];
      for (const message of batch.messages) {
        lastProgress = Date.now();
        const end = remaining.get(batch.partition);
        if (end === undefined || BigInt(message.offset) >= end) continue;
        if (BigInt(message.offset) + 1n >= end) remaining.delete(batch.partition);
        if (!message.value) continue;
        summary.scanned++;
        const letter = topics.deadLetters.codec.decode(message.value);
        if (options.sourceTopic && letter.sourceTopic !== options.sourceTopic) continue;
        if (options.kind && letter.errorKind !== options.kind) continue;
        replay.push(letter);
      }
      if (!options.dryRun && replay.length > 0) {
        await producer.sendEncoded(replay.map((l) => ({
          topic: l.sourceTopic,
          key: l.key.length > 0 ? Buffer.from(l.key) : null,
          value: Buffer.from(l.value),
          headers: Object.fromEntries(l.headers.map((h) => [h.key, Buffer.from(h.value)])),
        })));
      }
      for (const l of replay) {
        summary.replayed++;
        summary.bySourceTopic[l.sourceTopic] = (summary.bySourceTopic[l.sourceTopic] ?? 0) + 1;
      }
      if (remaining.size === 0) resolveDone();
    },
  });
  const idleMs = options.idleMs ?? 3000;
  const timer = setInterval(() => {
    if (Date.now() - lastProgress > idleMs) resolveDone();
  }, 250);
  await done;
  clearInterval(timer);
  await consumer.disconnect();
  return summary;
}
