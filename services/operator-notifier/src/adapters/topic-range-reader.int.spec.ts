import { topics, type BlockListEntry, type TopicSpec } from '@imei/contracts';
import { TopicProducer } from '@imei/kafka';
import { createTestTopic, deleteTopics, testKafka, uniqueName } from '@imei/testing';
import { readTopicRange } from './topic-range-reader';

describe('reading a topic range on the real broker', () => {
  it('reads a range longer than one fetch to its end, each record once', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic(topics.blockList, kafka, 1);
    const producer = new TopicProducer(kafka);
    await producer.connect();
    try {
      const keys = Array.from({ length: 300 }, (_, i) => `35${String(i).padStart(12, '0')}`);
      // Thirty record batches on the broker (a fetch returns whole batches, at least one).
      for (let i = 0; i < keys.length; i += 10) {
        await producer.send(topic as TopicSpec<BlockListEntry>, keys.slice(i, i + 10).map((k) => ({ key: k, value: { imei14: k, imei: k, reason: 10, blockedAt: new Date(), listVersion: 1 } })));
      }
      const seen: string[] = [];
      // A few records per fetch: the range takes many fetches.
      await readTopicRange(kafka, {
        topic: topic.name, groupId: uniqueName('test-range'), to: [{ partition: 0, offset: 300 }], maxBytesPerPartition: 1024, timeoutMs: 60_000,
        onRecords: (_p, messages) => void seen.push(...messages.map((m) => m.key!.toString())),
      });
      expect(seen).toEqual(keys);
    } finally {
      await producer.disconnect();
      await deleteTopics([topic.name], kafka);
    }
  });
});
