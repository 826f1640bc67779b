import type { Kafka, KafkaMessage } from 'kafkajs';
import {
  ApplicationEvent, ApplicationKind, ApplicationSource, ApplicationStatus, DeviceEvent, GroupingStatus, ListReason, ListState, topics,
  type Application, type ListChange, type Observation, type TopicSpec,
} from '@imei/contracts';
import { runConsumer, TopicProducer, type RunningConsumer } from '@imei/kafka';
import { createLogger } from '@imei/log';
import { createTestTopic, deleteTopics, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import { createCore, type DeviceGroupingCore } from './adapters/device-grouping-core';
import { applicationsHandler, listChangesHandler, observationsHandler } from './adapters/grouping-consumers';
import { DEFAULT_GROUPING_POLICY, type GroupingPolicy } from './domain/grouping-policy';

/** Every record of a topic up to its current end (all partitions). */
export async function readToEnd(topic: string, kafka: Kafka = testKafka()): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const remaining = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high) - 1]));
  const seen: KafkaMessage[] = [];
  if (remaining.size === 0) return seen;
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      if (Number(message.offset) <= (remaining.get(partition) ?? -1)) seen.push(message);
      if (Number(message.offset) >= (remaining.get(partition) ?? Infinity)) remaining.delete(partition);
    },
  });
  try {
    await waitFor(`${topic} read to its end`, () => remaining.size === 0, 30_000);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

let serial = 0;
/** `count` IMEI bodies sharing a fresh TAC (siblings of one model), unique to this process. */
export function imeisOfOneModel(count: number): string[] {
  serial += 1;
  const tac = `35${String(process.pid % 1000).padStart(3, '0')}${String(serial % 1000).padStart(3, '0')}`;
  return Array.from({ length: count }, (_, i) => `${tac}${String(100000 + i * 7).padStart(6, '0')}`);
}

export function approvedApplication(imei14s: string[], change: Partial<Application> = {}): Application {
  const applicationId = uniqueName('app');
  return {
    applicationId,
    kind: ApplicationKind.APPLICATION_KIND_REGISTRATION,
    source: ApplicationSource.APPLICATION_SOURCE_OFFICIAL_DISTRIBUTOR,
    submittedBy: 'distributor:demo',
    deviceId: `dev-${applicationId}`,
    imei14s,
    ownerRef: 'owner-ref-1',
    model: '',
    documents: [],
    status: ApplicationStatus.APPLICATION_STATUS_APPROVED,
    decisionReason: 'approved by rule',
    decidedBy: 'rule:trusted-source',
    receivedAt: new Date(),
    decidedAt: new Date(),
    version: 1,
    idempotencyKey: applicationId,
    ...change,
  };
}

export function observation(imei14: string, imsi: string, operatorId = 'kcell', seenAt = new Date(), msisdn = ''): Observation {
  return { imei14, imeiRaw: imei14, malformed: false, checkDigitInvalid: false, imsi, msisdn, operatorId, seenAt, rat: 3, observationId: uniqueName('obs') };
}

export function grandfathered(imei14: string): ListChange {
  return { imei14, imei: imei14, state: ListState.LIST_STATE_WHITE, reason: ListReason.LIST_REASON_GRANDFATHERED, previousState: ListState.LIST_STATE_GREY, blockDate: undefined, deviceId: '', version: 2, changedAt: new Date(), cause: 'test', actor: 'test' };
}

export interface GroupingHarness {
  core: DeviceGroupingCore;
  kafka: Kafka;
  producer: TopicProducer;
  applications: TopicSpec<ApplicationEvent>;
  observations: TopicSpec<Observation>;
  listChanges: TopicSpec<ListChange>;
  deviceEvents: TopicSpec<DeviceEvent>;
  groupingStatus: TopicSpec<GroupingStatus>;
  publishApplication(application: Application): Promise<void>;
  publishObservations(observations: Observation[]): Promise<void>;
  publishListChanges(changes: ListChange[]): Promise<void>;
  deviceEventsOf(deviceId: string): Promise<DeviceEvent[]>;
  statusesOf(imei14: string): Promise<GroupingStatus[]>;
  stop(): Promise<void>;
}

/** device-grouping's consumers in-process over the real broker and FerretDB, on topics of their own. */
export async function startGroupingHarness(options: { policy?: Partial<GroupingPolicy>; clock?: () => number } = {}): Promise<GroupingHarness> {
  const kafka = testKafka();
  const [applications, observations, listChanges, deviceEvents, groupingStatus] = await Promise.all([
    createTestTopic(topics.applications, kafka, 1),
    createTestTopic(topics.observations, kafka, 2),
    createTestTopic(topics.listChanges, kafka, 1),
    createTestTopic(topics.deviceEvents, kafka, 1),
    createTestTopic(topics.groupingStatus, kafka, 2),
  ]);
  const producer = new TopicProducer(kafka);
  await producer.connect();
  const store = await testStore('grouping');
  const logger = createLogger('device-grouping-test', 'silent');
  const core = createCore({
    db: store.db, producer, logger, policy: { ...DEFAULT_GROUPING_POLICY, ...options.policy }, indexRetentionMs: 30 * 86_400_000,
    subscriberKey: 'test-key', clock: options.clock ?? Date.now, topics: { deviceEvents, groupingStatus },
  });
  const consumers: RunningConsumer[] = [];
  for (const handlers of [
    [{ spec: applications, handle: applicationsHandler(core) }],
    [{ spec: listChanges, handle: listChangesHandler(core) }],
    [{ spec: observations, handle: observationsHandler(core) }],
  ]) {
    consumers.push(await runConsumer({ kafka, service: 'device-grouping', groupId: uniqueName('device-grouping.test'), handlers, producer, logger, backoff: { initialMs: 50, maxMs: 500 } }));
  }
  // Collectors follow the output topics for the harness's life: reading a topic anew per assertion
  // would join a consumer group each time (seconds).
  const collected = new Map<string, KafkaMessage[]>([[deviceEvents.name, []], [groupingStatus.name, []]]);
  const collector = kafka.consumer({ groupId: uniqueName('test-collector') });
  await collector.connect();
  await collector.subscribe({ topics: [deviceEvents.name, groupingStatus.name], fromBeginning: true });
  await collector.run({ eachMessage: async ({ topic, message }) => void collected.get(topic)!.push(message) });
  const decodeAll = async <T>(topic: TopicSpec<T>): Promise<T[]> => collected.get(topic.name)!.map((m) => topic.codec.decode(m.value!));
  return {
    core, kafka, producer, applications, observations, listChanges, deviceEvents, groupingStatus,
    publishApplication: async (application) => {
      await producer.send(applications, [{ key: application.deviceId, value: { application, status: application.status, occurredAt: application.decidedAt } }]);
    },
    publishObservations: async (list) => {
      await producer.send(observations, list.map((o) => ({ key: o.imei14, value: o })));
    },
    publishListChanges: async (list) => {
      await producer.send(listChanges, list.map((c) => ({ key: c.imei14, value: c })));
    },
    deviceEventsOf: async (deviceId) => (await decodeAll(deviceEvents)).filter((e) => e.deviceId === deviceId),
    statusesOf: async (imei14) => (await decodeAll(groupingStatus)).filter((s) => s.imei14 === imei14),
    stop: async () => {
      await collector.disconnect();
      for (const consumer of consumers) await consumer.stop();
      await producer.disconnect();
      await store.drop();
      await deleteTopics([applications.name, observations.name, listChanges.name, deviceEvents.name, groupingStatus.name], kafka);
    },
  };
}
