// First: replaces kafkajs internals (record encoder, murmur2) before kafkajs loads them.
import './adapters/kafkajs-speedups';
import { topics, type TopicSpec } from '@imei/contracts';
import { TopicProducer } from '@imei/kafka';
import { retryTransient } from '@imei/mongo';
import { ServiceRuntime } from '@imei/runtime';
import { ApplicationCommands } from './adapters/application-commands';
import { ApplicationRepository } from './adapters/application-repository';
import { intakeService } from './adapters/intake-service';
import { ObservationPublisher } from './adapters/observation-publisher';
import { widenHttp2Windows } from './adapters/http2-windows';
import { kafkajsSpeedups } from './adapters/kafkajs-speedups';
import { readConfig } from './config';
import { ObservationDeduplicator } from './domain/observation-deduplicator';

/** intake: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const topic = <T>(spec: TopicSpec<T>): TopicSpec<T> => (config.topicSuffix === '' ? spec : { ...spec, name: `${spec.name}${config.topicSuffix}` });
  const observationsTopic = topic(topics.observations);
  const applicationsTopic = topic(topics.applications);
  const runtime = await ServiceRuntime.start({
    service: 'intake',
    topics: [observationsTopic, applicationsTopic, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  // Observations need no per-key order across calls: an unordered producer pipelines batches.
  const observationProducer = new TopicProducer(runtime.kafka, { ordered: false });
  await observationProducer.connect();
  runtime.onStop({ name: 'observation producer', run: () => observationProducer.disconnect() });
  const deduplicator = new ObservationDeduplicator(config.dedupCapacity);
  const publisher = new ObservationPublisher(observationProducer, observationsTopic, deduplicator, {
    batchSize: config.publishBatch,
    maxInFlight: config.publishInFlight,
  });

  const repository = new ApplicationRepository(runtime.store.db, runtime.producer, runtime.logger, {
    applicationsTopic,
    // Fault injection for the crash test only (see IntakeConfig.crashAfterStore).
    afterStore: config.crashAfterStore ? () => process.kill(process.pid, 'SIGKILL') : undefined,
  });
  await retryTransient('sweep application outbox', () => repository.sweep(), { logger: runtime.logger, maxMs: 5000 });

  const service = intakeService(
    {
      deduplicator,
      publisher,
      operators: config.operators,
      clock: Date.now,
      maxSkewMs: config.maxClockSkewMs,
      maxViolations: config.maxViolations,
    },
    { commands: new ApplicationCommands(repository, Date.now), repository },
    runtime.edge,
  );
  widenHttp2Windows({ streamBytes: config.grpcWindowBytes, sessionBytes: 2 * config.grpcWindowBytes });
  runtime.logger.info({ kafkajsSpeedups, grpcWindowBytes: config.grpcWindowBytes }, 'observation path tuning');
  await runtime.serve(config.grpcAddress, [service]);
}

main().catch((error) => {
  process.stderr.write(`intake: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
