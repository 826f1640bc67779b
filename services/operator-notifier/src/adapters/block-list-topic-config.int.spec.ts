import { ConfigResourceTypes } from 'kafkajs';
import { topics } from '@imei/contracts';
import { createTestTopic, deleteTopics, testKafka } from '@imei/testing';
import { applyTopicConfig, blockListTopicConfig } from './block-list-topic-config';

describe('block-list topic config on the running broker', () => {
  it('applies the dev profile and a tombstone retention to an existing topic', async () => {
    const kafka = testKafka();
    const topic = await createTestTopic(topics.blockList, kafka, 1);
    try {
      const config = blockListTopicConfig(topics.blockList.config, { dev: true, tombstoneDays: 45 });
      await applyTopicConfig(kafka, topic.name, config);
      const admin = kafka.admin();
      await admin.connect();
      const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic.name }] }).finally(() => admin.disconnect());
      const values = Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
      expect(values).toMatchObject({ 'cleanup.policy': 'compact', 'segment.ms': '60000', 'min.cleanable.dirty.ratio': '0.01', 'delete.retention.ms': String(45 * 86_400_000) });
    } finally {
      await deleteTopics([topic.name], kafka);
    }
  });

  it('refuses a tombstone retention that is not a whole number of days', () => {
    expect(() => blockListTopicConfig(topics.blockList.config, { tombstoneDays: 0.5 })).toThrow(/tombstone days 0.5/);
    expect(blockListTopicConfig(topics.blockList.config, {})).toEqual(topics.blockList.config);
  });
});
