import { topics, type Observation } from '@imei/contracts';
import { PoisonRecordError } from '@imei/errors';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, testKafka, uniqueName, waitFor } from '@imei/testing';
import { runConsumer, type ConsumedRecord } from './consumer-runner';
import { TopicProducer } from './topic-producer';

describe('poison records', () => {
  const kafka = testKafka();
  const producer = new TopicProducer(kafka);
  const logger = createLogger('test', 'silent');
  const created: string[] = [];

  beforeAll(() => producer.connect());
  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(created);
  });

  it('go to the dead-letter topic with the reason while the consumer keeps going', async () => {
    const spec = await createTestTopic(topics.observations, kafka, 1);
    created.push(spec.name);
    const handled: string[] = [];
    const consumer = await runConsumer({
      kafka, service: 'test', groupId: uniqueName('test-dlq'), producer, logger,
      handlers: [{
        spec,
        handle: async (records: ConsumedRecord<Observation>[]) => {
          for (const r of records) {
            if (r.value.imei14 === '') throw new PoisonRecordError('invalid', 'imei14 is empty');
          }
          handled.push(...records.map((r) => r.value.imei14));
        },
      }],
    });
    const good = (imei14: string): Observation => ({ ...topics.observations.codec.decode(new Uint8Array()), imei14, operatorId: 'kcell' });
    await producer.send(spec, [{ key: 'a', value: good('35209900176148') }]);
    // Undecodable bytes (field 1 as a varint with a truncated length) and an invalid record.
    await producer.sendEncoded([{ topic: spec.name, key: 'bad', value: Buffer.from([0x0a, 0xff, 0xff]), headers: {} }]);
    await producer.send(spec, [{ key: 'empty', value: good('') }, { key: 'b', value: good('86724203038719') }]);

    await waitFor('both good records handled', () => handled.length === 2 && handled);
    expect(handled).toEqual(['35209900176148', '86724203038719']);

    const letters: { reason: string; kind: string; offset: string }[] = [];
    const reader = kafka.consumer({ groupId: uniqueName('test-dlq-reader') });
    await reader.connect();
    await reader.subscribe({ topic: topics.deadLetters.name, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        const letter = topics.deadLetters.codec.decode(message.value!);
        if (letter.sourceTopic === spec.name) letters.push({ reason: letter.reason, kind: letter.errorKind, offset: letter.sourceOffset });
      },
    });
    await waitFor('two dead letters', () => letters.length === 2, 30_000);
    await reader.disconnect();
    await consumer.stop();
    expect(letters.map((l) => l.kind).sort()).toEqual(['decode', 'invalid']);
    expect(letters.find((l) => l.kind === 'invalid')!.reason).toBe('imei14 is empty');
    expect(letters.find((l) => l.kind === 'decode')!.offset).toBe('1');
  });
});
