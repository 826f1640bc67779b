import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, PartitionAssigner } from 'kafkajs';
import { context, type Context } from '@opentelemetry/api';
import type { TopicSpec } from '@imei/contracts';
import { PoisonRecordError } from '@imei/errors';
import type { Logger } from '@imei/log';
import { backoffDelay, sleep } from './backoff';
import { publishDeadLetters, type DeadLetterCause } from './dead-letter';
import { kafkaMetrics } from './kafka-metrics';
import { markDeadLettered, startProcessSpans, type BatchSpans } from './messaging-spans';
import type { TopicProducer } from './topic-producer';

/** A decoded record handed to a batch handler. */
export interface ConsumedRecord<T> {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: T;
  /** Broker timestamp (ms). */
  timestamp: number;
  /**
   * The record's flow: the trace context its headers carry with this consumer's process span as the
   * active span. Publish what the record causes with it (`traceContext` of an outgoing or stored
   * event), so the flow stays one trace.
   */
  traceContext: Context;
  message: KafkaMessage;
}

/**
 * Processes the records of one topic-partition batch. Throwing a {@link PoisonRecordError} marks a
 * record that can never succeed: the runner retries the batch record by record and dead-letters those
 * that throw it. Any other error is treated as transient: the batch is retried with backoff, unchanged,
 * so handlers must be idempotent (they are: effects are stored with their events, design §4).
 */
export type BatchHandler<T> = (records: ConsumedRecord<T>[]) => Promise<void>;

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  service: string;
  groupId: string;
  /** Topic → handler. All topics are subscribed in one group. */
  handlers: ReadonlyArray<{ spec: TopicSpec<any>; handle: BatchHandler<any> }>;
  /** Producer used for the dead-letter topic. */
  producer: TopicProducer;
  logger: Logger;
  /** Called with false while a batch keeps failing (store or broker down), true once it succeeds again. */
  onHealthChange?: (serving: boolean) => void;
  /** Start from the earliest offset when the group has none. Default true. */
  fromBeginning?: boolean;
  /** Partitions processed concurrently, default 3. */
  partitionsConsumedConcurrently?: number;
  /** Backoff bounds for transient failures, default 200 ms → 10 s. */
  backoff?: { initialMs: number; maxMs: number };
  /** Session timeout, default 30 s; the runner heartbeats while it retries. */
  sessionTimeoutMs?: number;
  /** Max bytes per partition per fetch, default 1 MiB. */
  maxBytesPerPartition?: number;
  /** Partition assigners, default kafkajs' round robin (co-partitioned consumers pass their own). */
  partitionAssigners?: PartitionAssigner[];
}

/** A running consumer group member. */
export interface RunningConsumer {
  consumer: Consumer;
  /** Stops fetching, lets the in-flight batch finish and commits its offsets. */
  stop(): Promise<void>;
}

/**
 * Runs a consumer group with at-least-once delivery: offsets are committed only after the handler
 * returned (and so after the events it published were acknowledged). Undecodable or invalid records go
 * to `imei.dlq.v1` with the reason; transient failures pause the partition and retry with capped
 * backoff while heartbeating, so nothing is skipped.
 */
export async function runConsumer(options: ConsumerRunnerOptions): Promise<RunningConsumer> {
  const { kafka, logger, producer, service, groupId } = options;
  const bySpec = new Map(options.handlers.map((h) => [h.spec.name, h] as const));
  const backoff = options.backoff ?? { initialMs: 200, maxMs: 10_000 };
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: 3_000,
    maxBytesPerPartition: options.maxBytesPerPartition ?? 1024 * 1024,
    allowAutoTopicCreation: false,
    ...(options.partitionAssigners ? { partitionAssigners: options.partitionAssigners } : {}),
  });
  let healthy = true;
  const setHealthy = (serving: boolean): void => {
    if (serving === healthy) return;
    healthy = serving;
    options.onHealthChange?.(serving);
  };

  const deadLetter = (topic: string, partition: number, message: KafkaMessage, error: unknown, spans: BatchSpans): DeadLetterCause => {
    const kind = error instanceof PoisonRecordError ? error.kind : 'unknown';
    const reason = error instanceof Error ? error.message : String(error);
    logger.warn({ topic, partition, offset: message.offset, kind, reason }, 'record sent to the dead-letter topic');
    markDeadLettered(spans.flowOf.get(message)?.span, kind, reason);
    kafkaMetrics().deadLettered(topic, groupId, kind, 1);
    return { topic, partition, message, reason, kind, consumerGroup: groupId, service };
  };

  /** Retries `work` until it succeeds or the consumer stops; false when it stopped first. */
  const untilDone = async (payload: EachBatchPayload, what: string, work: () => Promise<void>): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await work();
        setHealthy(true);
        return true;
      } catch (error) {
        if (error instanceof PoisonRecordError) throw error;
        if (!payload.isRunning() || payload.isStale()) return false;
        setHealthy(false);
        const delay = backoffDelay(attempt, backoff.initialMs, backoff.maxMs);
        logger.warn({ err: error, what, attempt, retryInMs: delay, topic: payload.batch.topic, partition: payload.batch.partition }, 'transient failure, retrying');
        await sleep(delay);
        await payload.heartbeat().catch(() => undefined);
      }
    }
  };

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const entry = bySpec.get(batch.topic);
    if (!entry || batch.messages.length === 0) return;
    // Tombstones carry no work for services.
    const messages = batch.messages.filter((message) => message.value !== null);
    const spans = startProcessSpans(batch.topic, batch.partition, groupId, messages);
    try {
      await context.with(spans.handlerContext, () => processBatch(payload, entry, messages, spans));
    } finally {
      spans.end();
    }
  };

  const processBatch = async (payload: EachBatchPayload, entry: { spec: TopicSpec<any>; handle: BatchHandler<any> }, messages: KafkaMessage[], spans: BatchSpans): Promise<void> => {
    const { batch } = payload;
    const records: ConsumedRecord<unknown>[] = [];
    const poison: DeadLetterCause[] = [];
    for (const message of messages) {
      try {
        records.push({
          topic: batch.topic,
          partition: batch.partition,
          offset: message.offset,
          key: message.key?.toString() ?? '',
          value: entry.spec.codec.decode(message.value!),
          timestamp: Number(message.timestamp),
          traceContext: spans.flowOf.get(message)!.context,
          message,
        });
      } catch (error) {
        poison.push(deadLetter(batch.topic, batch.partition, message, new PoisonRecordError('decode', `cannot decode ${entry.spec.messageType}: ${(error as Error).message}`), spans));
      }
    }

    const handled = await untilDone(payload, 'handle batch', async () => {
      try {
        if (records.length > 0) await entry.handle(records);
      } catch (error) {
        if (!(error instanceof PoisonRecordError)) throw error;
        // Find the poison records one by one; the others are processed (idempotently) again.
        for (const record of records) {
          try {
            await entry.handle([record]);
          } catch (single) {
            if (!(single instanceof PoisonRecordError)) throw single;
            poison.push(deadLetter(record.topic, record.partition, record.message, single, spans));
          }
        }
      }
    });
    if (!handled) return;
    if (poison.length > 0 && !(await untilDone(payload, 'dead-letter', () => publishDeadLetters(producer, poison)))) return;
    payload.resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    await payload.commitOffsetsIfNecessary();
    const metrics = kafkaMetrics();
    metrics.consumed(batch.topic, groupId, records.length);
    metrics.lag(batch.topic, batch.partition, groupId, Math.max(0, Number(batch.offsetLag())));
  };

  await consumer.connect();
  await consumer.subscribe({ topics: [...bySpec.keys()], fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    eachBatchAutoResolve: false,
    autoCommitInterval: 1000,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 3,
    eachBatch,
  });
  return {
    consumer,
    stop: async () => {
      await consumer.stop();
      await consumer.disconnect();
    },
  };
}
