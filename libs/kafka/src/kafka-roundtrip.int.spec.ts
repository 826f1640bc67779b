import { propagation, trace, ROOT_CONTEXT, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { topics, type Observation, RadioAccessTechnology } from '@imei/contracts';
import { createTestTopic, deleteTopics, readTopic, testKafka } from '@imei/testing';
import { headerString } from './record-headers';
import { TopicProducer } from './topic-producer';

describe('a proto record through the real broker', () => {
  const kafka = testKafka();
  const producer = new TopicProducer(kafka);
  const created: string[] = [];

  beforeAll(async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    await producer.connect();
  });
  afterAll(async () => {
    await producer.disconnect();
    await deleteTopics(created);
  });

  it('keeps key, payload, content type and trace context', async () => {
    const spec = await createTestTopic(topics.observations, kafka, 3);
    created.push(spec.name);
    const observation: Observation = {
      imei14: '49015420323751', imeiRaw: '490154203237518', malformed: false, checkDigitInvalid: false,
      imsi: '401771234567890', msisdn: '+77011234567', operatorId: 'kcell', seenAt: new Date('2026-11-20T10:00:00Z'),
      rat: RadioAccessTechnology.RADIO_ACCESS_TECHNOLOGY_EUTRAN, observationId: 'obs-1',
    };
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    await producer.send(spec, [{ key: observation.imei14, value: observation, traceContext: ctx }]);

    const [message] = await readTopic(spec.name, 1, 20_000, kafka);
    expect(message!.key!.toString()).toBe('49015420323751');
    expect(spec.codec.decode(message!.value!)).toEqual(observation);
    expect(headerString(message!.headers, 'content-type')).toBe('application/x-protobuf; messageType=imei.v1.Observation');
    expect(headerString(message!.headers, 'traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });
});
