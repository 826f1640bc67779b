import type { Db } from 'mongodb';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import type { GroupingPolicy } from '../domain/grouping-policy';
import type { ConsumerDeps } from './grouping-consumers';
import { GroupingCache } from './grouping-cache';
import { GroupingProcessor } from './grouping-processor';
import { GroupingRepository, defaultGroupingTopics, type GroupingTopics } from './grouping-repository';
import { ObservationIndex } from './observation-index';
import { SiblingFinder } from './sibling-finder';
import { SubscriberKeys } from './subscriber-keys';
import { TacDirectory } from './tac-directory';

export interface CoreOptions {
  db: Db;
  producer: TopicProducer;
  logger: Logger;
  policy: GroupingPolicy;
  indexRetentionMs: number;
  subscriberKey: string;
  clock: () => number;
  topics?: GroupingTopics;
  afterStore?: (storedDeviceIds: readonly string[]) => void;
}

/** The adapters of device-grouping wired together (shared by main, tests and the benchmark). */
export interface DeviceGroupingCore extends ConsumerDeps {
  tac: TacDirectory;
}

/** Forgets what the cache and index hold (a rebalance): both are rebuilt from the store when next needed. */
export function invalidateCore(core: DeviceGroupingCore): void {
  core.cache.invalidate();
  core.index.invalidate();
}

export function createCore(options: CoreOptions): DeviceGroupingCore {
  const repository = new GroupingRepository(options.db, options.producer, options.logger, options.topics ?? defaultGroupingTopics);
  const tac = new TacDirectory(options.db, options.clock);
  const index = new ObservationIndex(options.db, new SubscriberKeys(options.subscriberKey), options.policy, options.indexRetentionMs, options.clock);
  const cache = new GroupingCache(repository);
  return {
    repository,
    tac,
    index,
    cache,
    processor: new GroupingProcessor(repository, cache, tac, options.policy, { afterStore: options.afterStore }),
    siblings: new SiblingFinder(index, cache, options.policy),
    policy: options.policy,
    clock: options.clock,
  };
}
