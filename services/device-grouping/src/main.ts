import { topics, type TopicSpec } from '@imei/contracts';
import { retryTransient } from '@imei/mongo';
import { ServiceRuntime } from '@imei/runtime';
import { createCore, invalidateCore } from './adapters/device-grouping-core';
import { deviceGroupingService } from './adapters/device-grouping-grpc';
import { applicationsHandler, listChangesHandler, observationsHandler } from './adapters/grouping-consumers';
import { readConfig } from './config';

/** device-grouping: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const topic = <T>(spec: TopicSpec<T>): TopicSpec<T> => (config.topicSuffix === '' ? spec : { ...spec, name: `${spec.name}${config.topicSuffix}` });
  const own = {
    applications: topic(topics.applications),
    listChanges: topic(topics.listChanges),
    observations: topic(topics.observations),
    deviceEvents: topic(topics.deviceEvents),
    groupingStatus: topic(topics.groupingStatus),
  };
  const runtime = await ServiceRuntime.start({
    service: 'device-grouping',
    topics: [...Object.values(own), topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  const core = createCore({
    db: runtime.store.db,
    producer: runtime.producer,
    logger: runtime.logger,
    policy: config.policy,
    indexRetentionMs: config.indexRetentionMs,
    subscriberKey: config.subscriberKey,
    clock: Date.now,
    topics: { deviceEvents: own.deviceEvents, groupingStatus: own.groupingStatus },
    // Fault injection for the crash test only (see DeviceGroupingConfig.crashAfterStoreOf).
    afterStore: config.crashAfterStoreOf === ''
      ? undefined
      : (deviceIds) => deviceIds.some((id) => id.startsWith(config.crashAfterStoreOf)) && process.kill(process.pid, 'SIGKILL'),
  });
  await retryTransient('sweep grouping outbox', () => core.repository.sweep(), { logger: runtime.logger, maxMs: 5000 });
  const consumers = [
    await runtime.consume('applications', [{ spec: own.applications, handle: applicationsHandler(core) }]),
    await runtime.consume('list-changes', [{ spec: own.listChanges, handle: listChangesHandler(core) }]),
    // Every observation partition at once: their batches mostly wait on one segment insert each. Larger
    // fetches (4 MiB, ~25,000 observations) make fewer, larger segment inserts and entity flushes.
    await runtime.consume('observations', [{ spec: own.observations, handle: observationsHandler(core) }], { partitionsConsumedConcurrently: own.observations.partitions, maxBytesPerPartition: 4 * 1024 * 1024 }),
  ];
  // A rebalance moves partitions, and so which entities this member writes: the cache and index are
  // rebuilt from the store (after the outbox sweep) before the next batch.
  for (const { consumer } of consumers) consumer.on(consumer.events.GROUP_JOIN, () => invalidateCore(core));
  await runtime.serve(config.grpcAddress, [deviceGroupingService({ repository: core.repository, processor: core.processor, clock: Date.now }, runtime.edge)]);
}

main().catch((error) => {
  process.stderr.write(`device-grouping: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
