import { IntakeServiceClient, topics, type TopicSpec } from '@imei/contracts';
import { createGrpcClient, devToken, startGrpcServer, TokenTable, type GrpcServer } from '@imei/grpc';
import { TopicProducer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { DEFAULT_OPERATOR_IDS } from '@imei/imei-rules';
import { createTestTopic, deleteTopics, testKafka, testStore } from '@imei/testing';
import { ApplicationCommands } from './adapters/application-commands';
import { ApplicationRepository } from './adapters/application-repository';
import { intakeService } from './adapters/intake-service';
import { ObservationPublisher } from './adapters/observation-publisher';
import { ObservationDeduplicator } from './domain/observation-deduplicator';

export interface IntakeHarness {
  address: string;
  observationsTopic: TopicSpec;
  /** The applications topic the service publishes to (a test copy of imei.applications.v1). */
  applicationsTopic: TopicSpec;
  repository: ApplicationRepository;
  /** A client authenticated as `principal` (closed by `stop`). */
  client(principal: string): IntakeServiceClient;
  stop(): Promise<void>;
}

/** The intake gRPC service in-process on 127.0.0.1:0 over the real broker, with its own topics. */
export async function startIntakeHarness(options: { dedupCapacity?: number; now?: () => number } = {}): Promise<IntakeHarness> {
  const kafka = testKafka();
  const observationsTopic = await createTestTopic(topics.observations, kafka, 3);
  const applicationsTopic = await createTestTopic(topics.applications, kafka, 1);
  const producer = new TopicProducer(kafka, { ordered: false });
  await producer.connect();
  const orderedProducer = new TopicProducer(kafka);
  await orderedProducer.connect();
  const store = await testStore('intake');
  const deduplicator = new ObservationDeduplicator(options.dedupCapacity ?? 10_000);
  const logger = createLogger('intake-test', 'silent');
  const repository = new ApplicationRepository(store.db, orderedProducer, logger, { applicationsTopic });
  const service = intakeService(
    {
      deduplicator,
      publisher: new ObservationPublisher(producer, observationsTopic, deduplicator, { batchSize: 50, maxInFlight: 2 }),
      operators: DEFAULT_OPERATOR_IDS,
      clock: options.now ?? Date.now,
      maxSkewMs: 300_000,
      maxViolations: 1000,
    },
    { commands: new ApplicationCommands(repository, options.now ?? Date.now), repository },
    { authenticator: TokenTable.dev(), logger },
  );
  const server: GrpcServer = await startGrpcServer({ address: '127.0.0.1:0', services: [service] });
  const address = `127.0.0.1:${server.port}`;
  const clients: IntakeServiceClient[] = [];
  return {
    address,
    observationsTopic,
    applicationsTopic,
    repository,
    client(principal) {
      const client = createGrpcClient(IntakeServiceClient, address, { token: devToken(principal) });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.close();
      await server.stop(100);
      await producer.disconnect();
      await orderedProducer.disconnect();
      await store.drop();
      await deleteTopics([observationsTopic.name, applicationsTopic.name], kafka);
    },
  };
}
