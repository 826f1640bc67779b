import type { GroupingStatus, ListCommand, Observation, TopicSpec } from '@imei/contracts';
import type { ConsumedRecord, ConsumerRunnerOptions } from '@imei/kafka';
import type { Logger } from '@imei/log';
import { coPartitionAssigner } from './co-partition-assigner';
import type { KnownImeiCache } from './known-imei-cache';
import { commandInput, groupingInput, observationInput, type KeyedInput } from './list-inputs';
import type { BatchOutcome, ListProcessor } from './list-processor';

export interface ListConsumerTopics {
  observations: TopicSpec<Observation>;
  groupingStatus: TopicSpec<GroupingStatus>;
  listCommands: TopicSpec<ListCommand>;
}

/**
 * Runs work for one partition number at a time: partition i of the three input topics carries the
 * same imei14s, and their batches may arrive concurrently.
 */
class PartitionLocks {
  private readonly tails = new Map<number, Promise<unknown>>();

  run<T>(partition: number, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(partition) ?? Promise.resolve();
    const result = previous.then(work, work);
    this.tails.set(partition, result.catch(() => undefined));
    return result;
  }
}

/**
 * The handlers and consumer options of list-state's one consumer group over observations, grouping
 * facts and list commands: co-partitioned assignment, one batch per partition number at a time.
 */
export function listConsumer(
  processor: ListProcessor,
  specs: ListConsumerTopics,
  logger: Logger,
  options: { cache?: KnownImeiCache; onBatch?: (outcome: BatchOutcome) => void } = {},
): { handlers: ConsumerRunnerOptions['handlers']; options: Partial<ConsumerRunnerOptions> } {
  const locks = new PartitionLocks();
  const handle =
    <T>(toInput: (record: ConsumedRecord<T>) => KeyedInput) =>
    async (records: ConsumedRecord<T>[]): Promise<void> => {
      const inputs = records.map(toInput);
      const partition = records[0]!.partition;
      const outcome = await locks.run(partition, () => processor.process(partition, inputs));
      if (outcome.refusals.length > 0) logger.debug({ partition, refusals: outcome.refusals.length, first: outcome.refusals[0] }, 'inputs that changed nothing');
      options.onBatch?.(outcome);
    };
  return {
    handlers: [
      { spec: specs.observations, handle: handle(observationInput) },
      { spec: specs.groupingStatus, handle: handle(groupingInput) },
      { spec: specs.listCommands, handle: handle(commandInput) },
    ],
    // Fetches of 512 KiB per partition (~3,300 observations): with 95% known IMEIs a batch's store work
    // is its few new IMEIs, so bigger batches amortise each round's fixed costs (measured: ~1.3x the
    // observations/s of 128 KiB). Even a batch of only new IMEIs (~3,300 per partition, 6 partitions
    // sharing FerretDB's ~1,500 new entries/s) ends in ~15 s, well within the session timeout: a round
    // longer than the session gets the member evicted and its records replayed again and again (seen
    // at 1 MiB when every new entry still cost a read and four one-by-one writes).
    options: { partitionAssigners: [coPartitionAssigner], partitionsConsumedConcurrently: 6, maxBytesPerPartition: 512 * 1024, sessionTimeoutMs: 60_000 },
  };
}
