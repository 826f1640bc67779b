import type { Kafka } from 'kafkajs';
import type { Db } from 'mongodb';
import type { GroupingStatus, ListChange, ListCommand, Observation, TopicSpec } from '@imei/contracts';
import type { EdgeOptions } from '@imei/grpc';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { almatyDateOf, type ListPolicy } from '../domain/list-policy';
import { BurstGuard } from '../domain/mass-block-guard';
import { DeviceStatisticsStore } from './device-statistics-store';
import { EntryReader } from './entry-reader';
import { listConsumer } from './list-consumer';
import { ListEntryStore } from './list-entry-store';
import { ListProcessor, type BatchOutcome } from './list-processor';
import { listStateService } from './list-state-grpc';
import { ListStatisticsStore } from './list-statistics-store';
import { PackedImeiCache } from './packed-imei-cache';
import { ReadModelFeed } from './read-model-feed';
import type { LagProbe } from './lag-probe';
import { PhaseRunStore } from './phase-run-store';
import { PhaseScheduler } from './phase-scheduler';
import type { GroupingStatusSource, OpenApplicationSource } from './recheck-sources';
import { SchedulerLease } from './scheduler-lease';

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
  /** The checks' in-memory read model fed by the list changes; without it checks read the store. */
  readModel?: { kafka: Kafka; groupId: string; initialCapacity?: number };
  /** The phase scheduler's I/O; without it no scheduler is built (tests of the consumer alone). */
  scheduler?: PhaseSchedulerWiring;
}

export interface PhaseSchedulerWiring {
  lag: LagProbe;
  grouping: GroupingStatusSource;
  applications: OpenApplicationSource;
  /** list-state's consumer group id (the lag barrier reads its committed offsets). */
  consumerGroupId: string;
  /** This instance's name in the lease. */
  holder: string;
  leaseTtlMs?: number;
  chunkSize?: number;
}

/** list-state's parts wired together (used by main and by the integration tests). */
export function listStateApp(options: ListStateAppOptions) {
  const store = new ListEntryStore(options.db, options.producer, options.logger, options.topics.listChanges, { afterStore: options.afterStore });
  const statistics = new ListStatisticsStore(options.db, options.topics.observations.partitions);
  const cache = new PackedImeiCache(options.cacheCapacity ?? 1 << 16);
  const feed = options.readModel
    ? new ReadModelFeed({ ...options.readModel, producer: options.producer, logger: options.logger, listChanges: options.topics.listChanges })
    : undefined;
  const processor = new ListProcessor({
    store,
    statistics,
    devices: new DeviceStatisticsStore(options.db),
    policy: options.policy,
    clock: options.clock,
    cloneGuard: new BurstGuard(options.policy.guard),
    cache,
    // The read model knows every published IMEI: those are read, not guessed new.
    storedElsewhere: feed ? (imei14) => feed.ready && feed.model.stateOf(imei14) !== undefined : undefined,
    logger: options.logger,
  });
  const consumer = listConsumer(processor, options.topics, options.logger, { cache, onBatch: options.onBatch });
  const reader = new EntryReader(store, feed);
  const runs = new PhaseRunStore(options.db);
  const grpc = listStateService(
    { reader, store, statistics, runs, producer: options.producer, listCommandsTopic: options.topics.listCommands, clock: options.clock },
    options.edge,
  );
  const wiring = options.scheduler;
  const scheduler = wiring
    ? new PhaseScheduler({
        store,
        runs,
        lease: new SchedulerLease(options.db, wiring.holder, wiring.leaseTtlMs),
        lag: wiring.lag,
        grouping: wiring.grouping,
        applications: wiring.applications,
        producer: options.producer,
        listCommands: options.topics.listCommands,
        groupingStatusTopic: options.topics.groupingStatus.name,
        consumerGroupId: wiring.consumerGroupId,
        greyImeis: (now) => statistics.greyImeis(now, 0),
        policy: options.policy,
        clock: options.clock,
        logger: options.logger,
        chunkSize: wiring.chunkSize,
        onTick: (now) => statistics.snapshot(almatyDateOf(now), now),
      })
    : undefined;
  return { store, statistics, cache, processor, consumer, reader, grpc, runs, scheduler, feed };
}
