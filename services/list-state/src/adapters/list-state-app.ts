import type { Db } from 'mongodb';
import type { GroupingStatus, ListChange, ListCommand, Observation, TopicSpec } from '@imei/contracts';
import type { EdgeOptions } from '@imei/grpc';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import type { ListPolicy } from '../domain/list-policy';
import { BurstGuard } from '../domain/mass-block-guard';
import { EntryReader } from './entry-reader';
import { listConsumer } from './list-consumer';
import { ListEntryStore } from './list-entry-store';
import { ListProcessor, type BatchOutcome } from './list-processor';
import { listStateService } from './list-state-grpc';
import { ListStatisticsStore } from './list-statistics-store';
import { PackedImeiCache } from './packed-imei-cache';

export interface ListStateTopics {
  observations: TopicSpec<Observation>;
  groupingStatus: TopicSpec<GroupingStatus>;
  listCommands: TopicSpec<ListCommand>;
  listChanges: TopicSpec<ListChange>;
}

export interface ListStateAppOptions {
  db: Db;
  producer: TopicProducer;
  logger: Logger;
  topics: ListStateTopics;
  policy: ListPolicy;
  clock: () => number;
  edge: EdgeOptions;
  cacheCapacity?: number;
  afterStore?: () => void;
  onBatch?: (outcome: BatchOutcome) => void;
}

/** list-state's parts wired together (used by main and by the integration tests). */
export function listStateApp(options: ListStateAppOptions) {
  const store = new ListEntryStore(options.db, options.producer, options.logger, options.topics.listChanges, { afterStore: options.afterStore });
  const statistics = new ListStatisticsStore(options.db, options.topics.observations.partitions);
  const cache = new PackedImeiCache(options.cacheCapacity ?? 1 << 16);
  const processor = new ListProcessor({
    store,
    statistics,
    policy: options.policy,
    clock: options.clock,
    cloneGuard: new BurstGuard(options.policy.guard),
    cache,
    logger: options.logger,
  });
  const consumer = listConsumer(processor, options.topics, options.logger, { cache, onBatch: options.onBatch });
  const reader = new EntryReader(store);
  const grpc = listStateService(
    { reader, store, statistics, producer: options.producer, listCommandsTopic: options.topics.listCommands, clock: options.clock },
    options.edge,
  );
  return { store, statistics, cache, processor, consumer, reader, grpc };
}
