import type { Db } from 'mongodb';
import type { TopicProducer } from '@imei/kafka';
import type { Logger } from '@imei/log';
import type { GroupingPolicy } from '../domain/grouping-policy';
import type { ConsumerDeps } from './grouping-consumers';
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

export function createCore(options: CoreOptions): DeviceGroupingCore {
  const repository = new GroupingRepository(options.db, options.producer, options.logger, options.topics ?? defaultGroupingTopics);
  const tac = new TacDirectory(options.db, options.clock);
  const index = new ObservationIndex(options.db, new SubscriberKeys(options.subscriberKey), options.policy, options.indexRetentionMs);
  return {
    repository,
    tac,
    index,
    processor: new GroupingProcessor(repository, tac, options.policy, { afterStore: options.afterStore }),
    siblings: new SiblingFinder(index, repository, options.policy),
    policy: options.policy,
    clock: options.clock,
  };
}
