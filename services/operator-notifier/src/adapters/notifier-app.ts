import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import { operatorNoticesTopic, type BlockListEntry, type ListChange, type Observation, type OperatorNotice, type TopicSpec } from '@imei/contracts';
import type { EdgeOptions } from '@imei/grpc';
import { ensureTopics, type ConsumerRunnerOptions, type TopicProducer } from '@imei/kafka';
import { DEFAULT_LEAD_DAYS } from '../domain/subscriber-notices';
import { NoticeScheduler } from './notice-scheduler';
import { SubscriberIndexStore } from './subscriber-index-store';
import type { Logger } from '@imei/log';
import { BlockListProcessor, type BlockListBatchOutcome } from './block-list-processor';
import { BlockListStore } from './block-list-store';
import { ProjectionTable } from './projection-table';
import { EnforcementStore } from './enforcement-store';
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
  /** Lead times (days before a block date) of subscriber notices; default 14, 3, 1. */
  leadDays?: readonly number[];
  /** Grace after a block before a sighting on an operator's network counts against it; default 24 h. */
  enforcementGraceMs?: number;
  /** How long a subscriber's use of an IMEI is remembered; default 90 days. */
  subscriberRetentionMs?: number;
  /** Topic of an operator's notices; default the registry's `imei.operator.<id>.notices.v1`. */
  noticesTopicOf?: (operatorId: string) => TopicSpec<OperatorNotice>;
  /** Fault injection (crash test only): runs after a batch of block-list changes is stored, before publishing. */
  afterStore?: () => void;
  onBlockListBatch?: (outcome: BlockListBatchOutcome) => void;
}

/**
 * How the block-list consumer runs (main and the benchmark): every partition of a member in flight at
 * once, so one slow batch does not hold up the others' records.
 */
export const BLOCK_LIST_CONSUMER_OPTIONS = { partitionsConsumedConcurrently: 6 } as const;

/** Default grace after a block before a sighting counts against the operator: 24 hours. */
export const DEFAULT_ENFORCEMENT_GRACE_MS = 24 * 3_600_000;

/** operator-notifier's parts wired together (used by main and by the integration tests). */
export function notifierApp(options: NotifierAppOptions) {
  const blockListStore = new BlockListStore(options.db);
  const projectionTable = new ProjectionTable(blockListStore);
  const blockListProcessor = new BlockListProcessor(blockListStore, projectionTable, options.producer, options.topics.blockList, { afterStore: options.afterStore });
  const subscriberIndex = new SubscriberIndexStore(options.db, options.subscriberRetentionMs ?? 90 * 86_400_000, options.clock);
  const notices = new NoticeScheduler({
    db: options.db,
    producer: options.producer,
    index: subscriberIndex,
    noticesTopicOf: options.noticesTopicOf ?? operatorNoticesTopic,
    ensureTopic: (spec) => ensureTopics(options.kafka, [spec]),
    leadDays: options.leadDays ?? DEFAULT_LEAD_DAYS,
  });
  /** The block list has list changes to itself: its latency is the operators'. */
  const blockListConsumer: ConsumerRunnerOptions['handlers'] = [
    {
      spec: options.topics.listChanges,
      handle: async (records) => {
        const outcome = await blockListProcessor.process(records);
        options.onBlockListBatch?.(outcome);
      },
    },
  ];
  /** The notice schedule follows the same changes in a group of its own, at its own pace (it reads the store). */
  const noticeScheduleConsumer: ConsumerRunnerOptions['handlers'] = [{ spec: options.topics.listChanges, handle: (records) => notices.track(records) }];
  // Few reads in flight: observations are the busiest topic, and the block list's writes share the store.
  const enforcement = new EnforcementStore(options.db, (ids) => blockListStore.blocks(ids, 4));
  /** Observations feed the subscriber index (notices) and the sightings of blocked IMEIs (enforcement). */
  const subscriberIndexConsumer: ConsumerRunnerOptions['handlers'] = [{
    spec: options.topics.observations,
    handle: async (records) => {
      await Promise.all([subscriberIndex.record(records), enforcement.record(records)]);
    },
  }];
  const grpc = operatorSyncService(
    { kafka: options.kafka, blockListTopic: options.topics.blockList, readerGroupPrefix: options.readerGroupPrefix, tombstoneRetentionMs: options.tombstoneRetentionMs, clock: options.clock,
      enforcement, enforcementGraceMs: options.enforcementGraceMs ?? DEFAULT_ENFORCEMENT_GRACE_MS },
    options.edge,
  );
  return { blockListStore, projectionTable, blockListProcessor, blockListConsumer, noticeScheduleConsumer, subscriberIndex, subscriberIndexConsumer, enforcement, notices, grpc };
}
