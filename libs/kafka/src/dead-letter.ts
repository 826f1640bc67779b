import type { IHeaders, KafkaMessage } from 'kafkajs';
import { topics, type DeadLetter } from '@imei/contracts';
import type { TopicProducer } from './topic-producer';

/** Where a poison record came from and why it can never succeed. */
export interface DeadLetterCause {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: string;
  kind: 'decode' | 'invalid' | 'unknown';
  consumerGroup: string;
  service: string;
}

function headerList(headers: IHeaders | undefined): DeadLetter['headers'] {
  const out: DeadLetter['headers'] = [];
  for (const [key, raw] of Object.entries(headers ?? {})) {
    for (const v of Array.isArray(raw) ? raw : [raw]) {
      if (v !== undefined) out.push({ key, value: typeof v === 'string' ? Buffer.from(v) : v });
    }
  }
  return out;
}

/** The dead letter for `cause`, keeping the original key, value and headers so it can be replayed. */
export function deadLetterOf(cause: DeadLetterCause, now = new Date()): DeadLetter {
  const { message } = cause;
  return {
    sourceTopic: cause.topic,
    sourcePartition: cause.partition,
    sourceOffset: message.offset,
    key: message.key ?? Buffer.alloc(0),
    value: message.value ?? Buffer.alloc(0),
    headers: headerList(message.headers),
    reason: cause.reason,
    errorKind: cause.kind,
    consumerGroup: cause.consumerGroup,
    service: cause.service,
    failedAt: now,
  };
}

/** Publishes dead letters to `imei.dlq.v1`, keyed by the original key. */
export async function publishDeadLetters(producer: TopicProducer, causes: readonly DeadLetterCause[]): Promise<void> {
  await producer.send(
    topics.deadLetters,
    causes.map((c) => ({ key: c.message.key?.toString() ?? '', value: deadLetterOf(c) })),
  );
}
