import { CompressionTypes, Partitioners, type Kafka, type Message, type Producer, type RecordMetadata } from 'kafkajs';
import type { Context } from '@opentelemetry/api';
import type { TopicSpec } from '@imei/contracts';
import { outgoingHeaders } from './record-headers';

/** One record to publish: the key keeps per-entity order; `value: null` is a tombstone (compacted topics). */
export interface OutgoingRecord<T> {
  key: string;
  value: T | null;
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

  /** Publishes `records` to `spec`'s topic; resolves once the broker acknowledged all of them. */
  async send<T>(spec: TopicSpec<T>, records: readonly OutgoingRecord<T>[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const messages: Message[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      messages[i] = {
        key: r.key,
        value: r.value === null ? null : encodeValue(spec, r.value),
        headers: outgoingHeaders(spec.messageType, r.traceContext),
      };
    }
    return this.producer.send({ topic: spec.name, messages, acks: this.acks, compression: CompressionTypes.None });
  }

  /** Publishes already-encoded records (possibly to several topics) in one batch. */
  async sendEncoded(records: readonly EncodedRecord[]): Promise<RecordMetadata[]> {
    if (records.length === 0) return [];
    const byTopic = new Map<string, Message[]>();
    for (const r of records) {
      let list = byTopic.get(r.topic);
      if (!list) byTopic.set(r.topic, (list = []));
      list.push({ key: r.key, value: r.value, headers: r.headers });
    }
    return this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: this.acks,
    });
  }
}
