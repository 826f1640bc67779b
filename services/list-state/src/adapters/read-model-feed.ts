import type { Kafka } from 'kafkajs';
import type { ListChange, TopicSpec } from '@imei/contracts';
import { runConsumer, type ConsumedRecord, type RunningConsumer, type TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { almatyDateOf } from '../domain/list-policy';
import { listReasonOf } from './list-enums';
import { ListReadModel, type CheckView } from './list-read-model';

/** The check view a ListChange announces. */
export function checkViewOf(change: ListChange): CheckView | undefined {
  const reason = listReasonOf(change.reason);
  if (reason === undefined) return undefined;
  const blockDate = change.blockDate ? almatyDateOf(change.blockDate.getTime()) : null;
  return { state: reason.state, reason: reason.reason, blockDate, deviceId: change.deviceId };
}

export interface ReadModelFeedOptions {
  kafka: Kafka;
  producer: TopicProducer;
  logger: Logger;
  listChanges: TopicSpec<ListChange>;
  /** A group of this instance's own (every instance reads every partition). */
  groupId: string;
  initialCapacity?: number;
}

/**
 * Keeps a ListReadModel up to date from `imei.list-changes.v1` (compacted: read from the beginning it
 * holds every entry's latest change). `ready` turns true once the feed reached the end offsets seen at
 * start; until then checks read the store.
 */
export class ReadModelFeed {
  readonly model: ListReadModel;
  ready = false;
  private consumer: RunningConsumer | undefined;

  constructor(private readonly options: ReadModelFeedOptions) {
    this.model = new ListReadModel(options.initialCapacity);
  }

  async start(): Promise<void> {
    const { kafka, listChanges } = this.options;
    const admin = kafka.admin();
    await admin.connect();
    const ends = new Map((await admin.fetchTopicOffsets(listChanges.name)).map((p) => [p.partition, Number(p.high)]));
    await admin.disconnect();
    const behind = new Set([...ends].filter(([, end]) => end > 0).map(([p]) => p));
    this.ready = behind.size === 0;
    this.consumer = await runConsumer({
      kafka,
      service: 'list-state',
      groupId: this.options.groupId,
      producer: this.options.producer,
      logger: this.options.logger,
      fromBeginning: true,
      partitionsConsumedConcurrently: 1,
      handlers: [
        {
          spec: listChanges,
          handle: async (records: ConsumedRecord<ListChange>[]) => {
            for (const record of records) {
              const view = checkViewOf(record.value);
              if (view) this.model.apply(record.value.imei14, record.value.version, view);
            }
            const last = records[records.length - 1]!;
            if (!this.ready && Number(last.offset) + 1 >= (ends.get(last.partition) ?? 0)) {
              behind.delete(last.partition);
              if (behind.size === 0) {
                this.ready = true;
                this.options.logger.info({ imeis: this.model.size }, 'list read model caught up');
              }
            }
          },
        },
      ],
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.stop();
  }
}
