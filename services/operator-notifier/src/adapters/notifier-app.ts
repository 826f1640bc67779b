import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { BlockListEntry, ListChange, Observation, TopicSpec } from '@imei/contracts';
import type { EdgeOptions } from '@imei/grpc';
import type { ConsumerRunnerOptions, TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { BlockListProcessor, type BlockListBatchOutcome } from './block-list-processor';
import { BlockListStore } from './block-list-store';
import { operatorSyncService } from './operator-sync-grpc';

export interface NotifierTopics {
  listChanges: TopicSpec<ListChange>;
  blockList: TopicSpec<BlockListEntry>;
  observations: TopicSpec<Observation>;
}

export interface NotifierAppOptions {
  db: Db;
  kafka: Kafka;
  producer: TopicProducer;
  logger: Logger;
  topics: NotifierTopics;
  clock: () => number;
  edge: EdgeOptions;
  /** Prefix of the throw-away consumer groups that read topic ranges (snapshots, progress); ends with `.`. */
  readerGroupPrefix: string;
  /** How long the block list keeps tombstones (its delete.retention.ms); operators lagging near it are flagged. */
  tombstoneRetentionMs: number;
  /** Fault injection (crash test only): runs after a batch of block-list changes is stored, before publishing. */
  afterStore?: () => void;
  onBlockListBatch?: (outcome: BlockListBatchOutcome) => void;
}

/** operator-notifier's parts wired together (used by main and by the integration tests). */
export function notifierApp(options: NotifierAppOptions) {
  const blockListStore = new BlockListStore(options.db, options.producer, options.logger, options.topics.blockList);
  const blockListProcessor = new BlockListProcessor(blockListStore, { afterStore: options.afterStore });
  const blockListConsumer: ConsumerRunnerOptions['handlers'] = [
    {
      spec: options.topics.listChanges,
      handle: async (records) => {
        const outcome = await blockListProcessor.process(records);
        options.onBlockListBatch?.(outcome);
      },
    },
  ];
  const grpc = operatorSyncService(
    { kafka: options.kafka, blockListTopic: options.topics.blockList, readerGroupPrefix: options.readerGroupPrefix, tombstoneRetentionMs: options.tombstoneRetentionMs, clock: options.clock },
    options.edge,
  );
  return { blockListStore, blockListProcessor, blockListConsumer, grpc };
}
