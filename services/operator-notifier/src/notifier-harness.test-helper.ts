import { ListChange, ListReason, ListState, OperatorNotifierServiceClient, operatorNoticesTopic, topics, type Observation, type OperatorNotice, type TopicSpec } from '@imei/contracts';
import { createGrpcClient, devToken, startGrpcServer, TokenTable } from '@imei/grpc';
import { runConsumer, TopicProducer, type RunningConsumer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { canonicalImei } from '@imei/imei-rules';
import { createTestTopic, deleteTopics, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import type { BlockListBatchOutcome } from './adapters/block-list-processor';
import { blockListDigest, decodeEntry, readBlockListSnapshot, type BlockListSnapshot } from './adapters/block-list-snapshot';
import { BLOCK_LIST_CONSUMER_OPTIONS, notifierApp, type NotifierTopics } from './adapters/notifier-app';

export interface NotifierHarness {
  topics: NotifierTopics;
  app: ReturnType<typeof notifierApp>;
  clock: { now: number };
  outcomes: BlockListBatchOutcome[];
  groupId: string;
  grpcAddress: string;
  /** A gRPC client authenticated as a dev principal (`operator:kcell`, `officer:demo`, ...). */
  client(principal: string): OperatorNotifierServiceClient;
  /** Publishes list changes as list-state would (key imei14). */
  listChange(imei14: string, version: number, state: ListState, extra?: Partial<ListChange>): ListChange;
  publish(changes: ListChange[]): Promise<void>;
  /** Publishes an observation of `imei14` by subscriber `msisdn` on `operatorId` at `seenAt`. */
  observe(imei14: string, msisdn: string, operatorId: string, seenAt: number): Promise<void>;
  /** The harness's notices topic of an operator. */
  noticesTopicOf(operatorId: string): TopicSpec<OperatorNotice>;
  /** Waits until the subscriber-index consumer has caught up. */
  indexCaughtUp(): Promise<void>;
  /** The block list an operator holds after reading the topic from the beginning to its current end. */
  blockList(): Promise<BlockListSnapshot & { decoded(imei14: string): ReturnType<typeof decodeEntry> | undefined }>;
  /** Waits until the projection and notice-schedule consumers have caught up with everything published so far. */
  caughtUp(): Promise<void>;
  startConsumer(groupId?: string): Promise<RunningConsumer>;
  stopConsumers(): Promise<void>;
  stop(): Promise<void>;
}

export const digestOf = blockListDigest;

/** operator-notifier in-process over the real broker (its own topics, 2 partitions) and FerretDB (its own database). */
export async function startNotifierHarness(start = Date.parse('2025-08-01T06:00:00Z')): Promise<NotifierHarness> {
  const kafka = testKafka();
  const testTopics: NotifierTopics = {
    listChanges: await createTestTopic(topics.listChanges, kafka, 2),
    blockList: await createTestTopic(topics.blockList, kafka, 2),
    observations: await createTestTopic(topics.observations, kafka, 2),
  };
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const store = await testStore('notifier');
  const logger = createLogger('operator-notifier-test', 'silent');
  const clock = { now: start };
  const outcomes: BlockListBatchOutcome[] = [];
  const edge = { authenticator: TokenTable.dev(), logger };
  const noticesPrefix = uniqueName('test-notices');
  const noticeTopics = new Set<string>();
  const noticesTopicOf = (operatorId: string): TopicSpec<OperatorNotice> => {
    const spec = { ...operatorNoticesTopic(operatorId), name: `${noticesPrefix}.${operatorId}` };
    noticeTopics.add(spec.name);
    return spec;
  };
  const app = notifierApp({
    db: store.db, kafka, producer, logger, topics: testTopics, clock: () => clock.now, edge,
    readerGroupPrefix: `${uniqueName('operator-notifier.test')}.reader.`,
    tombstoneRetentionMs: 30 * 86_400_000,
    noticesTopicOf,
    onBlockListBatch: (o) => void outcomes.push(o),
  });
  const groupId = uniqueName('operator-notifier.test');
  const indexGroupId = uniqueName('operator-notifier.test-index');
  const consumers: RunningConsumer[] = [];
  const startConsumer = async (group = groupId): Promise<RunningConsumer> => {
    const consumer = await runConsumer({ kafka, service: 'operator-notifier', groupId: group, handlers: app.blockListConsumer, producer, logger, ...BLOCK_LIST_CONSUMER_OPTIONS });
    app.projectionTable.resetOnRebalance(consumer.consumer);
    consumers.push(consumer);
    return consumer;
  };
  await startConsumer();
  const noticeGroupId = uniqueName('operator-notifier.test-notices');
  consumers.push(await runConsumer({ kafka, service: 'operator-notifier', groupId: noticeGroupId, handlers: app.noticeScheduleConsumer, producer, logger }));
  consumers.push(await runConsumer({ kafka, service: 'operator-notifier', groupId: indexGroupId, handlers: app.subscriberIndexConsumer, producer, logger }));
  const server = await startGrpcServer({ address: '127.0.0.1:0', services: [app.grpc] });
  const clients: OperatorNotifierServiceClient[] = [];

  const caughtUpOn = async (topic: string, group: string): Promise<void> => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(topic);
      await waitFor(`${group} caught up on ${topic}`, async () => {
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        return ends.every((e) => Number(committed!.partitions.find((p) => p.partition === e.partition)?.offset ?? -1) >= Number(e.high) || Number(e.high) === 0);
      }, 60_000, 100);
    } finally {
      await admin.disconnect();
    }
  };

  return {
    topics: testTopics,
    app,
    clock,
    outcomes,
    groupId,
    grpcAddress: `127.0.0.1:${server.port}`,
    client(principal) {
      const client = createGrpcClient(OperatorNotifierServiceClient, `127.0.0.1:${server.port}`, { token: devToken(principal) });
      clients.push(client);
      return client;
    },
    listChange(imei14, version, state, extra = {}) {
      return {
        imei14, imei: canonicalImei(imei14), state,
        reason: state === ListState.LIST_STATE_BLACK ? ListReason.LIST_REASON_OFFICER_DECISION : ListReason.LIST_REASON_UNVERIFIED,
        previousState: ListState.LIST_STATE_UNSPECIFIED, blockDate: undefined, deviceId: '', version,
        changedAt: new Date(clock.now), cause: uniqueName('cause'), actor: 'test', ...extra,
      };
    },
    async publish(changes) {
      await producer.send(testTopics.listChanges as TopicSpec<ListChange>, changes.map((value) => ({ key: value.imei14, value })));
    },
    async blockList() {
      const snapshot = await readBlockListSnapshot(kafka, testTopics.blockList.name, uniqueName('test-snapshot'));
      return { ...snapshot, decoded: (id: string) => { const v = snapshot.entries.get(id); return v ? decodeEntry(v) : undefined; } };
    },
    caughtUp: async () => {
      await caughtUpOn(testTopics.listChanges.name, groupId);
      await caughtUpOn(testTopics.listChanges.name, noticeGroupId);
    },
    indexCaughtUp: () => caughtUpOn(testTopics.observations.name, indexGroupId),
    noticesTopicOf,
    async observe(imei14, msisdn, operatorId, seenAt) {
      const value: Observation = {
        imei14, imeiRaw: imei14, malformed: false, checkDigitInvalid: false, imsi: '401010000000001', msisdn,
        operatorId, seenAt: new Date(seenAt), rat: 0, observationId: uniqueName('obs'),
      };
      await producer.send(testTopics.observations as TopicSpec<Observation>, [{ key: imei14, value }]);
    },
    startConsumer,
    async stopConsumers() {
      for (const consumer of consumers.splice(0)) await consumer.stop().catch(() => undefined);
    },
    async stop() {
      for (const client of clients) client.close();
      await server.stop(100);
      for (const consumer of consumers.splice(0)) await consumer.stop().catch(() => undefined);
      await producer.disconnect();
      await store.drop();
      await deleteTopics([...Object.values(testTopics).map((t) => t.name), ...noticeTopics], kafka).catch(() => undefined);
    },
  };
}
