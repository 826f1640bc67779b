import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { topics, type Observation } from '@imei/contracts';
import { runConsumer, TopicProducer, type ConsumedRecord } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { connectMongo } from '@imei/mongo';
import { createTestTopic, deleteTopics, repoRoot, stackEnv, testKafka, uniqueName, waitFor } from '@imei/testing';

const ferretdb = (command: 'start' | 'stop'): void => {
  execFileSync('bash', [join(repoRoot, 'deploy/local/ferretdb.sh'), command], { stdio: 'inherit' });
};

describe('a consumer while the store is down', () => {
  afterAll(() => ferretdb('start'));

  it('pauses, reports NOT_SERVING, and resumes without loss when FerretDB is back', async () => {
    const kafka = testKafka();
    const producer = new TopicProducer(kafka);
    await producer.connect();
    const spec = await createTestTopic(topics.observations, kafka, 2);
    const store = await connectMongo({ uri: stackEnv.mongoUri, database: uniqueName('outage').replace(/-/g, '_'), serverSelectionTimeoutMs: 500 });
    const seen = store.db.collection<{ _id: string }>('seen');
    const health: boolean[] = [];
    const consumer = await runConsumer({
      kafka, service: 'test', groupId: uniqueName('test-outage'), producer, logger: createLogger('test', 'silent'),
      backoff: { initialMs: 100, maxMs: 1000 },
      onHealthChange: (serving) => health.push(serving),
      handlers: [{
        spec,
        handle: async (records: ConsumedRecord<Observation>[]) => {
          await seen.bulkWrite(records.map((r) => ({ updateOne: { filter: { _id: r.value.imei14 }, update: { $set: { at: r.offset } }, upsert: true } })));
        },
      }],
    });
    const batch = (from: number, n: number) => Array.from({ length: n }, (_, i) => {
      const imei14 = String(35000000000000 + from + i);
      return { key: imei14, value: { ...topics.observations.codec.decode(new Uint8Array()), imei14 } };
    });
    await producer.send(spec, batch(0, 50));
    await waitFor('first 50 stored', async () => (await seen.countDocuments()) === 50);

    ferretdb('stop');
    await producer.send(spec, batch(50, 100));
    await waitFor('health NOT_SERVING', () => health.includes(false), 30_000);
    ferretdb('start');
    await waitFor('all 150 stored after the outage', async () => (await seen.countDocuments().catch(() => 0)) === 150, 60_000);
    await waitFor('health SERVING again', () => health[health.length - 1] === true);

    await consumer.stop();
    await producer.disconnect();
    await store.db.dropDatabase();
    await store.close();
    await deleteTopics([spec.name], kafka);
  });
});
