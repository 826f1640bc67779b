import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import { topics } from '@imei/contracts';
import { stackEnv, testKafka, uniqueName, waitFor } from '@imei/testing';
import { TopicProducer } from './topic-producer';

/** A client for `user` whose kafkajs debug log is kept, to see the broker's own error codes. */
function observedClient(user: string): { kafka: Kafka; errors: string[] } {
  const errors: string[] = [];
  const kafka = new Kafka({
    clientId: uniqueName(`acl-${user}`),
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

describe('broker ACLs', () => {
  it('let a service write its own topic and deny a topic that is not its own', async () => {
    const producer = new TopicProducer(testKafka('intake'));
    await producer.connect();
    try {
      await expect(producer.sendEncoded([{ topic: topics.observations.name, key: 'acl-probe', value: null, headers: {} }])).resolves.toBeDefined();
      await expect(producer.sendEncoded([{ topic: topics.listChanges.name, key: 'acl-probe', value: null, headers: {} }]))
        .rejects.toThrow(/not authorized to access topics/i);
    } finally {
      await producer.disconnect();
    }
  });

  it('let a service join its own consumer groups and deny another service\'s group', async () => {
    const allowed = observedClient('list-state');
    const own = allowed.kafka.consumer({ groupId: uniqueName('list-state.acl') });
    let joined = false;
    own.on(own.events.GROUP_JOIN, () => (joined = true));
    await own.connect();
    await own.subscribe({ topic: topics.observations.name });
    await own.run({ eachMessage: async () => undefined });
    await waitFor('list-state joining its own group', () => joined, 30_000);
    await own.disconnect();

    const denied = observedClient('list-state');
    const foreign = denied.kafka.consumer({ groupId: uniqueName('intake.stolen'), retry: { retries: 0 } });
    await foreign.connect();
    await foreign.subscribe({ topic: topics.observations.name });
    const crashed = new Promise<void>((resolve) => foreign.on(foreign.events.CRASH, () => resolve()));
    await foreign.run({ eachMessage: async () => undefined }).catch(() => undefined);
    await crashed;
    await foreign.disconnect();
    expect(denied.errors).toContain('GROUP_AUTHORIZATION_FAILED');
  });

  it('deny reading a topic the service does not consume', async () => {
    const client = observedClient('intake');
    const consumer = client.kafka.consumer({ groupId: uniqueName('intake.acl'), retry: { retries: 0 } });
    await consumer.connect();
    const subscribed = consumer.subscribe({ topic: topics.listChanges.name, fromBeginning: true });
    await expect(subscribed).rejects.toThrow(/not authorized/i);
    await consumer.disconnect();
  });
});
