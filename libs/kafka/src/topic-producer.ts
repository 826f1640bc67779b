import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import { context, propagation, type Context } from '@opentelemetry/api';
import type { TopicSpec } from '@imei/contracts';
import { kafkaMetrics } from './kafka-metrics';
import { endWhenSent, startSendSpans, storedParentContexts, type FlowSpan } from './messaging-spans';
import { outgoingHeaders } from './record-headers';

/** One record to publish: the key keeps per-entity order; `value: null` is a tombstone (compacted topics). */
export interface OutgoingRecord<T> {
  key: string;
  value: T | null;
  /** Trace context to carry; default the active context. */
  traceContext?: Context;
}

/** A record of one topic whose value the caller encoded itself (a hot path's own encoder). */
export interface PreEncodedRecord {
  key: string;
  /** The payload's proto encoding (a message of the topic's type). */
  value: Buffer;
  /** Trace context to carry; default the active context. */
  traceContext?: Context;
}

/** A record already encoded (an outbox event or a dead letter), published as stored. */
export interface EncodedRecord {
  topic: string;
  key: string | Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | Buffer>;
}

export interface TopicProducerOptions {
  /**
   * Keep per-key order under retries: idempotent producer with one request in flight per broker
   * connection (design §4, for list changes and the block list). Default true.
   */
  ordered?: boolean;
  /** Wait for all in-sync replicas. Default true (acks = -1). */
  acksAll?: boolean;
}

/** Encodes a proto message into a Buffer view without copying. */
export function encodeValue<T>(spec: TopicSpec<T>, value: T): Buffer {
  const bytes = spec.codec.encode(value).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Publishes proto payloads to the topics of the registry: encodes per topic, sets the key, the content
 * type and the W3C trace context headers, and sends whole batches in one request per call.
 */
export class TopicProducer {
  private readonly producer: Producer;
  private readonly acks: number;
  private connected = false;

  constructor(kafka: Kafka, options: TopicProducerOptions = {}) {
    const ordered = options.ordered ?? true;
    this.acks = options.acksAll === false ? 1 : -1;
    this.producer = kafka.producer({
      idempotent: ordered,
      maxInFlightRequests: ordered ? 1 : 5,
      allowAutoTopicCreation: false,
      // murmur2 on the key, as the Java client: every producer of the mesh agrees on partitions.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  async connect(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  /**
   * Publishes `records` to `spec`'s topic; resolves once the broker acknowledged all of them. Each
   * record carries its own trace context (default the active one) under a send span of its flow.
   */
  async send<T>(spec: TopicSpec<T>, records: readonly OutgoingRecord<T>[]): Promise<RecordMetadata[]> {
    return this.publish(spec, records, (r) => (r.value === null ? null : encodeValue(spec, r.value)));
  }

  /**
   * As `send`, for values the caller already encoded as `spec`'s message type (same key, headers,
   * spans and acknowledgement); saves an intermediate message object per record on a hot path.
   */
  async sendPreEncoded<T>(spec: TopicSpec<T>, records: readonly PreEncodedRecord[]): Promise<RecordMetadata[]> {
    return this.publish(spec, records, (r) => r.value);
  }

  private async publish<T, R extends { key: string; traceContext?: Context }>(spec: TopicSpec<T>, records: readonly R[], valueOf: (r: R) => Buffer | null): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const active = context.active();
    const spans = startSendSpans(spec.name, records, (r) => r.traceContext ?? active, (r) => r.key);
    const messages: Message[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      messages[i] = { key: r.key, value: valueOf(r), headers: outgoingHeaders(spec.messageType, spans.contextOf(r)) };
    }
    const sent = await endWhenSent(spans.flows, this.producer.send({ topic: spec.name, messages, acks: this.acks, compression: CompressionTypes.None }));
    kafkaMetrics().produced(spec.name, records.length);
    return sent;
  }

  /**
   * Publishes already-encoded records (possibly to several topics) in one batch. Each keeps the trace
   * context its stored headers carry (the flow that caused it), under a new send span of that flow.
   */
  async sendEncoded(records: readonly EncodedRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const parentOf = storedParentContexts(records);
    const byTopic = new Map<string, Message[]>();
    const spans: FlowSpan<EncodedRecord>[] = [];
    for (const [topic, list] of groupByTopic(records)) {
      const topicSpans = startSendSpans(topic, list, parentOf, (r) => r.key);
      spans.push(...topicSpans.flows);
      byTopic.set(topic, list.map((r) => {
        const headers = { ...r.headers };
        propagation.inject(topicSpans.contextOf(r), headers);
        return { key: r.key, value: r.value, headers };
      }));
    }
    const sent = await endWhenSent(spans, this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: this.acks,
    }));
    for (const [topic, messages] of byTopic) kafkaMetrics().produced(topic, messages.length);
    return sent;
  }
}

function groupByTopic(records: readonly EncodedRecord[]): Map<string, EncodedRecord[]> {
  const byTopic = new Map<string, EncodedRecord[]>();
  for (const r of records) {
    let list = byTopic.get(r.topic);
    if (!list) byTopic.set(r.topic, (list = []));
    list.push(r);
  }
  return byTopic;
}
