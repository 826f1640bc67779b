import { topics } from '@imei/contracts';
import { TopicProducer } from '@imei/kafka';
import { ServiceRuntime } from '@imei/runtime';
import { intakeService } from './adapters/intake-service';
import { ObservationPublisher } from './adapters/observation-publisher';
import { readConfig } from './config';
import { ObservationDeduplicator } from './domain/observation-deduplicator';

/** intake: wiring only (config → runtime → adapters → serve). */
async function main(): Promise<void> {
  const config = readConfig();
  const runtime = await ServiceRuntime.start({
    service: 'intake',
    topics: [topics.observations, topics.applications, topics.deadLetters],
    tokensFile: config.tokensFile,
    infrastructure: config.infrastructure,
  });
  // Observations need no per-key order beyond what one batch keeps: an unordered producer pipelines.
  const observationProducer = new TopicProducer(runtime.kafka, { ordered: false });
  await observationProducer.connect();
  runtime.onStop({ name: 'observation producer', run: () => observationProducer.disconnect() });
  const deduplicator = new ObservationDeduplicator(config.dedupCapacity);
  const publisher = new ObservationPublisher(observationProducer, topics.observations, deduplicator, {
    batchSize: config.publishBatch,
    maxInFlight: config.publishInFlight,
  });
  const service = intakeService(
    {
      deduplicator,
      publisher,
      operators: config.operators,
      clock: Date.now,
      maxSkewMs: config.maxClockSkewMs,
      maxViolations: config.maxViolations,
    },
    {},
    runtime.edge,
  );
  await runtime.serve(config.grpcAddress, [service]);
}

main().catch((error) => {
  process.stderr.write(`intake: failed to start: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
