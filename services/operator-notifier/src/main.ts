import { topics } from '@imei/contracts';
import { ServiceRuntime } from '@imei/runtime';
import { BlockListCompactor } from './adapters/block-list-compactor';
import { BLOCK_LIST_CONSUMER_OPTIONS, notifierApp } from './adapters/notifier-app';
import { readConfig } from './config';

/** operator-notifier: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const runtime = await ServiceRuntime.start({
    service: 'operator-notifier',
    topics: [topics.observations, topics.listChanges, topics.blockList, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  const app = notifierApp({
    db: runtime.store.db,
    kafka: runtime.kafka,
    producer: runtime.producer,
    logger: runtime.logger,
    topics,
    clock: Date.now,
    edge: runtime.edge,
    readerGroupPrefix: `${config.infrastructure.consumerGroupPrefix}reader.`,
    tombstoneRetentionMs: config.tombstoneRetentionMs,
    leadDays: config.leadDays,
    subscriberRetentionMs: config.subscriberRetentionMs,
    enforcementGraceMs: config.enforcementGraceMs,
    // Fault injection for the crash test only (see OperatorNotifierConfig.crashAfterStore).
    afterStore: config.crashAfterStore ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  });
  const blockListConsumer = await runtime.consume(config.blockListGroup, app.blockListConsumer, { ...BLOCK_LIST_CONSUMER_OPTIONS, fromBeginning: config.fromBeginning });
  app.projectionTable.resetOnRebalance(blockListConsumer.consumer);
  await runtime.consume('notice-schedule', app.noticeScheduleConsumer, { fromBeginning: config.fromBeginning });
  await runtime.consume('subscriber-index', app.subscriberIndexConsumer, { fromBeginning: config.fromBeginning });
  let noticeRun = Promise.resolve();
  const timer = setInterval(() => {
    noticeRun = noticeRun
      .then(() => app.notices.run(Date.now()))
      .then((published) => void (published > 0 && runtime.logger.info({ published }, 'subscriber notices published')))
      .catch((error) => runtime.logger.warn({ err: error }, 'notice run failed; retried at the next interval'));
  }, config.noticeIntervalMs);
  runtime.onStop({ name: 'notices', run: async () => { clearInterval(timer); await noticeRun; } });
  if (config.compactionIntervalMs > 0) {
    // Every member runs it: runs are idempotent and fenced (README, "Compaction of the chain").
    const compactor = new BlockListCompactor(app.blockListStore, { horizonMs: config.compactionHorizonMs, maxImeis: config.compactionMaxImeis });
    let compaction = Promise.resolve();
    const compactionTimer = setInterval(() => {
      compaction = compaction
        .then(() => compactor.run(Date.now()))
        .then((outcome) => void (outcome.folded > 0 && runtime.logger.info(outcome, 'block-list chain compacted')))
        .catch((error) => runtime.logger.warn({ err: error }, 'block-list compaction failed; retried at the next interval'));
    }, config.compactionIntervalMs);
    runtime.onStop({ name: 'compaction', run: async () => { clearInterval(compactionTimer); await compaction; } });
  }
  await runtime.serve(config.grpcAddress, [app.grpc]);
}

main().catch((error) => {
  process.stderr.write(`operator-notifier: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
