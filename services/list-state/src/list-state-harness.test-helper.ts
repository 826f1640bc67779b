import type { KafkaMessage } from 'kafkajs';
import { GroupingFact, ListChange, ListStateServiceClient, topics, type GroupingStatus, type Observation, type TopicSpec } from '@imei/contracts';
import { createGrpcClient, devToken, startGrpcServer, TokenTable, type GrpcServer } from '@imei/grpc';
import { runConsumer, TopicProducer, type RunningConsumer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import { EirQueryObserver } from './adapters/eir-query-observer';
import { RateLimiter, startEquipmentStatusHttp } from './adapters/equipment-status-http';
import type { BatchOutcome } from './adapters/list-processor';
import { listStateApp, type ListStateTopics } from './adapters/list-state-app';
import { KafkaLagProbe } from './adapters/lag-probe';
import type { GroupingStatusSource, OpenApplicationSource } from './adapters/recheck-sources';
import type { ListEntry } from './domain/list-entry';
import { policy as defaultPolicy } from './domain/list-entry.test-helper';
import type { ListPolicy } from './domain/list-policy';

export interface ListStateHarnessOptions {
  /** Default the unit tests' policy. */
  policy?: ListPolicy;
  /** Sources of the pre-block re-check: given, the harness wires the phase scheduler. */
  recheck?: { grouping: GroupingStatusSource; applications: OpenApplicationSource };
}

export interface ListStateHarness {
  topics: ListStateTopics;
  app: ReturnType<typeof listStateApp>;
  grpcAddress: string;
  httpPort: number;
  /** The injected clock: tests move it. */
  clock: { now: number };
  outcomes: BatchOutcome[];
  /** The first consumer member (tests pause and resume it). */
  consumer: RunningConsumer;
  client(principal: string): ListStateServiceClient;
  observe(imei14: string, seenAt: number, operatorId?: string, extra?: Partial<Observation>): Promise<void>;
  fact(imei14: string, fact: GroupingFact, extra?: Partial<GroupingStatus>): Promise<void>;
  /** Waits until the stored entry satisfies `probe`. */
  entry(imei14: string, probe?: (entry: ListEntry) => boolean, what?: string): Promise<ListEntry>;
  /** Every ListChange on the list-changes topic for `imei14`, read to the topic's current end. */
  changes(imei14: string): Promise<ListChange[]>;
  /** Starts another consumer member (same group unless `groupId` is given). */
  startConsumer(groupId?: string): Promise<RunningConsumer>;
  stop(): Promise<void>;
}

/** list-state in-process over the real broker (its own topics, 2 partitions) and FerretDB (its own database). */
export async function startListStateHarness(start: number, options: ListStateHarnessOptions = {}): Promise<ListStateHarness> {
  const kafka = testKafka();
  const testTopics: ListStateTopics = {
    observations: await createTestTopic(topics.observations, kafka, 2),
    groupingStatus: await createTestTopic(topics.groupingStatus, kafka, 2),
    listCommands: await createTestTopic(topics.listCommands, kafka, 2),
    listChanges: await createTestTopic(topics.listChanges, kafka, 2),
  };
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const store = await testStore('list_state');
  const logger = createLogger('list-state-test', 'silent');
  const clock = { now: start };
  const outcomes: BatchOutcome[] = [];
  const edge = { authenticator: TokenTable.dev(), logger };
  const groupId = uniqueName('list-state.test');
  const scheduler = options.recheck && { ...options.recheck, lag: new KafkaLagProbe(kafka), consumerGroupId: groupId, holder: 'harness', chunkSize: 2 };
  const app = listStateApp({
    db: store.db, producer, logger, topics: testTopics, policy: options.policy ?? defaultPolicy, clock: () => clock.now, edge, onBatch: (o) => void outcomes.push(o), scheduler,
    readModel: { kafka, groupId: uniqueName('list-state.read-model') },
  });
  await app.feed!.start();
  const consumers: RunningConsumer[] = [];
  const startConsumer = async (group = groupId): Promise<RunningConsumer> => {
    const consumer = await runConsumer({ kafka, service: 'list-state', groupId: group, handlers: app.consumer.handlers, producer, logger, ...app.consumer.options });
    consumers.push(consumer);
    return consumer;
  };
  const first = await startConsumer();
  const server: GrpcServer = await startGrpcServer({ address: '127.0.0.1:0', services: [app.grpc] });
  // The harness counts N5g-eir queries with a SUPI as sightings (LIST_STATE_EIR_SUPI_OBSERVES=1).
  const eirObserver = new EirQueryObserver(producer, testTopics.listCommands, () => clock.now, logger, 50);
  const http = await startEquipmentStatusHttp({ host: '127.0.0.1', port: 0 }, { reader: app.reader, logger, limiter: new RateLimiter(5, () => clock.now), eirObserver });
  const clients: ListStateServiceClient[] = [];

  const changes = async (imei14: string): Promise<ListChange[]> => {
    const admin = kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(testTopics.listChanges.name);
    await admin.disconnect();
    const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high) - 1]));
    const found: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: uniqueName('test-reader') });
    await reader.connect();
    await reader.subscribe({ topic: testTopics.listChanges.name, fromBeginning: true });
    await reader.run({
      eachMessage: async ({ partition, message }) => {
        if (message.key?.toString() === imei14) found.push(message);
        if (Number(message.offset) >= (remaining.get(partition) ?? Infinity)) remaining.delete(partition);
      },
    });
    try {
      await waitFor('list changes read to the end', () => remaining.size === 0, 30_000);
    } finally {
      await reader.disconnect();
    }
    return found.map((m) => ListChange.decode(m.value!));
  };

  return {
    topics: testTopics,
    app,
    grpcAddress: `127.0.0.1:${server.port}`,
    httpPort: http.port,
    clock,
    outcomes,
    consumer: first,
    client(principal) {
      const client = createGrpcClient(ListStateServiceClient, `127.0.0.1:${server.port}`, { token: devToken(principal) });
      clients.push(client);
      return client;
    },
    async observe(imei14, seenAt, operatorId = 'kcell', extra = {}) {
      const value: Observation = {
        imei14, imeiRaw: imei14, malformed: false, checkDigitInvalid: false, imsi: '401010000000001', msisdn: '77010000001',
        operatorId, seenAt: new Date(seenAt), rat: 0, observationId: uniqueName('obs'), ...extra,
      };
      await producer.send(testTopics.observations as TopicSpec<Observation>, [{ key: imei14, value }]);
    },
    async fact(imei14, fact, extra = {}) {
      const value: GroupingStatus = { imei14, deviceId: 'dev-1', fact, applicationId: 'app-1', approvedAt: undefined, version: 1, occurredAt: new Date(clock.now), detail: '', ...extra };
      await producer.send(testTopics.groupingStatus as TopicSpec<GroupingStatus>, [{ key: imei14, value }]);
    },
    async entry(imei14, probe = () => true, what = 'entry') {
      return waitFor(`${what} of ${imei14}`, async () => {
        const found = (await app.reader.entries([imei14])).get(imei14);
        return found && probe(found) ? found : undefined;
      }, 30_000);
    },
    changes,
    startConsumer,
    async stop() {
      for (const client of clients) client.close();
      for (const consumer of consumers) await consumer.stop().catch(() => undefined);
      await app.feed!.stop().catch(() => undefined);
      await eirObserver.stop();
      await server.stop(100);
      const closed = new Promise<void>((resolve) => http.server.close(() => resolve()));
      http.server.closeAllConnections();
      await closed;
      await producer.disconnect();
      await store.drop();
      await deleteTopics(Object.values(testTopics).map((t) => t.name), kafka);
    },
  };
}
