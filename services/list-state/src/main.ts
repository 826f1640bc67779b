import { hostname } from 'node:os';
import { topics } from '@imei/contracts';
import { retryTransient } from '@imei/mongo';
import { ServiceRuntime } from '@imei/runtime';
import { EirQueryObserver } from './adapters/eir-query-observer';
import { RateLimiter, startEquipmentStatusHttp } from './adapters/equipment-status-http';
import { listStateApp } from './adapters/list-state-app';
import { KafkaLagProbe } from './adapters/lag-probe';
import { readPolicyFile } from './adapters/policy-file';
import { GrpcGroupingStatusSource, GrpcOpenApplicationSource } from './adapters/recheck-sources';
import { readConfig } from './config';

/** list-state: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const policy = readPolicyFile(config.policyFile);
  const runtime = await ServiceRuntime.start({
    service: 'list-state',
    topics: [topics.observations, topics.groupingStatus, topics.listCommands, topics.listChanges, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  const grouping = new GrpcGroupingStatusSource(config.deviceGroupingAddress, config.serviceToken);
  const applications = new GrpcOpenApplicationSource(config.intakeAddress, config.serviceToken);
  const app = listStateApp({
    db: runtime.store.db,
    producer: runtime.producer,
    logger: runtime.logger,
    topics,
    policy,
    clock: Date.now,
    edge: runtime.edge,
    cacheCapacity: config.cacheCapacity,
    // Fault injection for the crash test only (see ListStateConfig.crashAfterStore).
    afterStore: config.crashAfterStore ? () => process.kill(process.pid, 'SIGKILL') : undefined,
    readModel: { kafka: runtime.kafka, groupId: `${config.infrastructure.consumerGroupPrefix}read-model-${hostname()}-${process.pid}`, initialCapacity: config.cacheCapacity },
    scheduler: {
      lag: new KafkaLagProbe(runtime.kafka),
      grouping,
      applications,
      consumerGroupId: `${config.infrastructure.consumerGroupPrefix}${config.consumerGroup}`,
      holder: `${hostname()}:${process.pid}`,
      leaseTtlMs: config.schedulerLeaseMs,
      chunkSize: config.recheckBatch,
    },
  });
  await retryTransient('sweep list-change outbox', () => app.store.sweep(), { logger: runtime.logger, maxMs: 5000 });
  await app.feed!.start();
  runtime.onStop({ name: 'read model feed', run: () => app.feed!.stop() });
  const consumer = await runtime.consume(config.consumerGroup, app.consumer.handlers, { ...app.consumer.options, sessionTimeoutMs: config.sessionTimeoutMs, fromBeginning: config.fromBeginning });
  runtime.onStop({ name: 'list changes marked sent', run: () => app.processor.flush() });
  // Another member may own a revoked partition now: forget what we knew about its IMEIs.
  consumer.consumer.on(consumer.consumer.events.GROUP_JOIN, () => app.cache.clear());
  const eirObserver = config.eirSupiObserves ? new EirQueryObserver(runtime.producer, topics.listCommands, Date.now, runtime.logger) : undefined;
  const http = await startEquipmentStatusHttp(config.httpAddress, {
    reader: app.reader,
    logger: runtime.logger,
    limiter: new RateLimiter(config.publicChecksPerMinute, Date.now),
    eirObserver,
  });
  if (eirObserver) runtime.onStop({ name: 'N5g-eir sightings', run: () => eirObserver.stop() });
  const scheduler = app.scheduler!;
  const tick = (): void =>
    void scheduler.tick().catch((error: unknown) => runtime.logger.warn({ err: error }, 'phase scheduler tick failed; retried on the next tick'));
  const timer = setInterval(tick, config.schedulerIntervalMs);
  tick();
  runtime.onStop({
    name: 'phase scheduler',
    run: async () => {
      clearInterval(timer);
      await scheduler.idle();
      await scheduler.release().catch(() => undefined);
      grouping.close();
      applications.close();
    },
  });
  runtime.onStop({ name: 'http', run: () => new Promise<void>((resolve) => http.server.close(() => resolve())) });
  runtime.metrics.listEntries(async () => {
    const totals = await app.statistics.totals();
    return { white: totals.get('state.white') ?? 0, grey: totals.get('state.grey') ?? 0, black: totals.get('state.black') ?? 0 };
  });
  await runtime.serve(config.grpcAddress, [app.grpc]);
}

main().catch((error) => {
  process.stderr.write(`list-state: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
