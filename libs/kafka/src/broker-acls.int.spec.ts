import { topics } from '@imei/contracts';
import { testKafka, uniqueName } from '@imei/testing';
import { TopicProducer } from './topic-producer';

describe('broker ACLs', () => {
  it('let a service write its own topic and deny a topic that is not its own', async () => {
    const intake = testKafka('intake');
    const producer = new TopicProducer(intake);
    await producer.connect();
    try {
      await expect(producer.sendEncoded([{ topic: topics.observations.name, key: 'acl-probe', value: null, headers: {} }])).resolves.toBeDefined();
      await expect(producer.sendEncoded([{ topic: topics.listChanges.name, key: 'acl-probe', value: null, headers: {} }]))
        .rejects.toThrow(/not authorized|authorization/i);
    } finally {
      await producer.disconnect();
    }
  });

  it('deny a consumer group outside the service prefix and a topic the service does not consume', async () => {
    const intake = testKafka('intake');
    const foreignGroup = intake.consumer({ groupId: uniqueName('list-state.stolen') });
    await foreignGroup.connect();
    await foreignGroup.subscribe({ topic: topics.observations.name });
    await expect(new Promise((resolve, reject) => {
      foreignGroup.on(foreignGroup.events.CRASH, (e) => reject(e.payload.error));
      foreignGroup.run({ eachMessage: async () => undefined }).then(() => setTimeout(resolve, 15_000), reject);
    })).rejects.toThrow(/not authorized|authorization/i);
    await foreignGroup.disconnect();
  });
});
