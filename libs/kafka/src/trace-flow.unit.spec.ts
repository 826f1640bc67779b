import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import { operatorNoticesTopic, topics, type TopicSpec } from '@imei/contracts';
import { createLogger } from '@imei/log';
import { readTracingConfig, startTracing } from '@imei/tracing/start-tracing';
import { runConsumer, type ConsumedRecord } from './consumer-runner';
import { outgoingHeaders } from './record-headers';
import { TopicProducer } from './topic-producer';

const exporter = new InMemorySpanExporter();
startTracing(readTracingConfig({ OTEL_SERVICE_NAME: 'unit' }), { processors: [new SimpleSpanProcessor({ exporter })], instrumentations: false });

/** JSON instead of proto: the spans, not the payloads, are under test. */
function jsonSpec<T>(spec: TopicSpec<any>): TopicSpec<T> {
  return { ...spec, codec: { encode: (v: T) => ({ finish: () => Buffer.from(JSON.stringify(v)) }), decode: (b: Uint8Array) => JSON.parse(Buffer.from(b).toString()) } };
}
const applications = jsonSpec<{ id: string }>(topics.applications);
const groupingStatus = jsonSpec<{ imei14: string }>(topics.groupingStatus);

/** A kafkajs stand-in: records what is sent, and hands batches to the runner's eachBatch. */
function fakeKafka() {
  const sent: { topic: string; messages: Message[] }[] = [];
  let eachBatch: ((payload: EachBatchPayload) => Promise<void>) | undefined;
  const producer = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    send: async (r: { topic: string; messages: Message[] }) => void sent.push(r) ?? [],
    sendBatch: async (r: { topicMessages: { topic: string; messages: Message[] }[] }) => void sent.push(...r.topicMessages) ?? [],
  };
  const consumer = {
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async (config: { eachBatch: typeof eachBatch }) => void (eachBatch = config.eachBatch),
    stop: async () => undefined,
    disconnect: async () => undefined,
  };
  const kafka = { producer: () => producer, consumer: () => consumer } as unknown as Kafka;
  const deliver = async (topic: string, messages: Message[]): Promise<void> => {
    const batch = {
      topic,
      partition: 0,
      messages: messages.map((m, i): KafkaMessage => ({ key: Buffer.from(String(m.key)), value: m.value as Buffer, headers: m.headers!, offset: String(i), timestamp: '0', attributes: 0 })),
      offsetLag: () => '0',
    };
    await eachBatch!({ batch, resolveOffset: () => undefined, commitOffsetsIfNecessary: async () => undefined, heartbeat: async () => undefined, isRunning: () => true, isStale: () => false } as unknown as EachBatchPayload);
  };
  return { kafka, sent, deliver };
}

const byName = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('one trace per flow across Kafka', () => {
  beforeEach(() => exporter.reset());

  it('a consumed record is processed as a child of its producer, and what it causes continues the same trace even when published later', async () => {
    const { kafka, sent, deliver } = fakeKafka();
    const producer = new TopicProducer(kafka);
    const intakeSpan = trace.getTracer('test').startSpan('imei.v1.IntakeService/SubmitApplication', { kind: SpanKind.SERVER });
    await context.with(trace.setSpan(ROOT_CONTEXT, intakeSpan), () => producer.send(applications, [{ key: 'dev-1', value: { id: 'app-1' } }]));
    intakeSpan.end();

    // device-grouping: stores the event with the record's flow (outbox), publishes after the handler, outside any flow.
    const stored: { topic: string; key: string; value: Buffer; headers: Record<string, string> }[] = [];
    await runConsumer({
      kafka, service: 'device-grouping', groupId: 'device-grouping.unit', producer, logger: createLogger('unit', 'silent'),
      handlers: [{ spec: applications, handle: async (records: ConsumedRecord<{ id: string }>[]) => {
        for (const r of records) stored.push({ topic: groupingStatus.name, key: '35693803564380', value: Buffer.from('{}'), headers: outgoingHeaders(groupingStatus.messageType, r.traceContext) as Record<string, string> });
      } }],
    });
    await deliver(applications.name, sent.splice(0)[0]!.messages);
    await context.with(ROOT_CONTEXT, () => producer.sendEncoded(stored));

    const [submit] = byName('imei.v1.IntakeService/SubmitApplication');
    const [sendApplication] = byName('send imei.applications.v1');
    const [processApplication] = byName('process imei.applications.v1');
    const [sendStatus] = byName('send imei.grouping-status.v1');
    const traceId = submit!.spanContext().traceId;
    for (const span of [sendApplication, processApplication, sendStatus]) expect(span!.spanContext().traceId).toBe(traceId);
    expect(parentOf(sendApplication!)).toBe(submit!.spanContext().spanId);
    expect(parentOf(processApplication!)).toBe(sendApplication!.spanContext().spanId);
    expect(processApplication!.kind).toBe(SpanKind.CONSUMER);
    expect(parentOf(sendStatus!)).toBe(processApplication!.spanContext().spanId);
    expect(sendStatus!.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'imei.grouping-status.v1', 'imei.imei14': '35693803564380' });
    // The published record's traceparent is the send span: the next consumer becomes its child.
    const published = sent[0]!.messages[0]!.headers!.traceparent as string;
    expect(published).toContain(sendStatus!.spanContext().spanId);
  });

  it('a batch mixing flows keeps each record in its own trace and runs the handler under a batch span linking them', async () => {
    const { kafka, sent, deliver } = fakeKafka();
    const producer = new TopicProducer(kafka);
    const tracer = trace.getTracer('test');
    const roots = [tracer.startSpan('flow-a'), tracer.startSpan('flow-b')];
    await producer.send(applications, roots.map((root, i) => ({ key: `dev-${i}`, value: { id: `app-${i}` }, traceContext: trace.setSpan(ROOT_CONTEXT, root) })));
    roots.forEach((r) => r.end());
    expect(byName('send imei.applications.v1')).toHaveLength(2);

    let handlerSpan: string | undefined;
    const flows: string[] = [];
    await runConsumer({
      kafka, service: 'device-grouping', groupId: 'device-grouping.unit', producer, logger: createLogger('unit', 'silent'),
      handlers: [{ spec: applications, handle: async (records: ConsumedRecord<{ id: string }>[]) => {
        handlerSpan = trace.getActiveSpan()?.spanContext().spanId;
        for (const r of records) flows.push(trace.getSpan(r.traceContext)!.spanContext().traceId);
      } }],
    });
    await deliver(applications.name, sent.splice(0)[0]!.messages);

    expect(flows).toEqual(roots.map((r) => r.spanContext().traceId));
    const processSpans = byName('process imei.applications.v1');
    const batch = processSpans.find((s) => s.links.length > 0)!;
    expect(batch.spanContext().spanId).toBe(handlerSpan);
    expect(batch.attributes).toMatchObject({ 'messaging.batch.message_count': 2, 'imei.batch.flow_count': 2 });
    const perFlow = processSpans.filter((s) => s !== batch);
    expect(batch.links.map((l) => l.context.spanId).sort()).toEqual(perFlow.map((s) => s.spanContext().spanId).sort());
    expect(perFlow.map((s) => s.spanContext().traceId).sort()).toEqual(roots.map((r) => r.spanContext().traceId).sort());
  });

  it('never records an MSISDN key, and pseudonymises personal data that reaches an attribute', async () => {
    const { kafka } = fakeKafka();
    const producer = new TopicProducer(kafka);
    await producer.send(jsonSpec<{ n: number }>(operatorNoticesTopic('kcell')), [{ key: '+77011234567', value: { n: 1 } }]);
    const [notice] = byName('send imei.operator.kcell.notices.v1');
    expect(notice!.attributes).not.toHaveProperty('messaging.kafka.message.key');
    const span = trace.getTracer('test').startSpan('careless', { attributes: { 'enduser.msisdn': '+77011234567', 'app.imsi': '401771234567890' } });
    span.recordException(new Error('refused 87011234567 / IMSI 401779999999999 for IMEI 356938035643809'));
    span.end();
    const text = JSON.stringify(exporter.getFinishedSpans().map((s) => ({ a: s.attributes, e: s.events })));
    for (const secret of ['+77011234567', '87011234567', '401771234567890', '401779999999999']) expect(text).not.toContain(secret);
    expect(text).toContain('356938035643809');
    expect(text).toContain('pn:');
  });
});
