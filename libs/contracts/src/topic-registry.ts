import { ApplicationEvent } from './gen/imei/v1/applications';
import { DeadLetter } from './gen/imei/v1/dlq';
import { DeviceEvent, GroupingStatus } from './gen/imei/v1/grouping';
import { ListChange, ListCommand } from './gen/imei/v1/list_state';
import { Observation } from './gen/imei/v1/observations';
import { BlockListEntry, OperatorNotice } from './gen/imei/v1/operator';

/** The encode/decode pair ts-proto generates for a message. */
export interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

export type ServiceName = 'intake' | 'device-grouping' | 'list-state' | 'operator-notifier';

/** One Kafka topic of the mesh: payload message, key, partitions, retention and who may use it. */
export interface TopicSpec<T = unknown> {
  name: string;
  /** Fully qualified proto message name, also sent in the content-type header. */
  messageType: string;
  codec: MessageCodec<T>;
  /** What the record key is: keeps per-entity order. */
  key: 'imei14' | 'device_id' | 'msisdn' | 'source key';
  partitions: number;
  /** Topic-level configs (cleanup.policy, retention.ms, ...). */
  config: Readonly<Record<string, string>>;
  producers: readonly ServiceName[];
  consumers: readonly ServiceName[];
  /** Operators may read it (the national block list). */
  operatorReadable?: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function topic<T>(spec: TopicSpec<T>): TopicSpec<T> {
  return spec;
}

/**
 * Every topic of the mesh. IMEI-keyed topics that list-state joins share one partition count so the
 * same `imei14` lands in the same partition number everywhere (one writer per key).
 */
export const topics = {
  observations: topic<Observation>({
    name: 'imei.observations.v1',
    messageType: 'imei.v1.Observation',
    codec: Observation,
    key: 'imei14',
    partitions: 6,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(14 * DAY_MS) },
    producers: ['intake'],
    consumers: ['list-state', 'device-grouping', 'operator-notifier'],
  }),
  applications: topic<ApplicationEvent>({
    name: 'imei.applications.v1',
    messageType: 'imei.v1.ApplicationEvent',
    codec: ApplicationEvent,
    key: 'device_id',
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    producers: ['intake'],
    consumers: ['device-grouping'],
  }),
  deviceEvents: topic<DeviceEvent>({
    name: 'imei.device-events.v1',
    messageType: 'imei.v1.DeviceEvent',
    codec: DeviceEvent,
    key: 'device_id',
    partitions: 3,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    producers: ['device-grouping'],
    consumers: [],
  }),
  groupingStatus: topic<GroupingStatus>({
    name: 'imei.grouping-status.v1',
    messageType: 'imei.v1.GroupingStatus',
    codec: GroupingStatus,
    key: 'imei14',
    partitions: 6,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    producers: ['device-grouping'],
    consumers: ['list-state'],
  }),
  listCommands: topic<ListCommand>({
    name: 'imei.list-commands.v1',
    messageType: 'imei.v1.ListCommand',
    codec: ListCommand,
    key: 'imei14',
    partitions: 6,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    producers: ['list-state'],
    consumers: ['list-state'],
  }),
  listChanges: topic<ListChange>({
    name: 'imei.list-changes.v1',
    messageType: 'imei.v1.ListChange',
    codec: ListChange,
    key: 'imei14',
    partitions: 6,
    config: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': String(DAY_MS) },
    producers: ['list-state'],
    consumers: ['operator-notifier', 'device-grouping', 'list-state'],
  }),
  blockList: topic<BlockListEntry>({
    name: 'imei.operator-blocklist.v1',
    messageType: 'imei.v1.BlockListEntry',
    codec: BlockListEntry,
    key: 'imei14',
    partitions: 6,
    config: {
      'cleanup.policy': 'compact',
      // Tombstones outlive any tolerated operator outage (30 days; operator-notifier flags operators whose
      // lag nears it). An operator offline longer must re-read from the beginning.
      'delete.retention.ms': String(30 * DAY_MS),
      // Production: a segment rolls at least daily and is cleaned once 10 % of the log is superseded, so a
      // new operator's full load reads little more than the live list, without constant cleaning. The dev
      // profile of `blocklist-topic-config --dev` (60 s, 0.01, records kept 10 min first) makes compaction
      // visible within minutes on the local stack.
      'segment.ms': String(DAY_MS),
      'min.cleanable.dirty.ratio': '0.1',
      'min.insync.replicas': '1',
    },
    producers: ['operator-notifier'],
    consumers: [],
    operatorReadable: true,
  }),
  deadLetters: topic<DeadLetter>({
    name: 'imei.dlq.v1',
    messageType: 'imei.v1.DeadLetter',
    codec: DeadLetter,
    key: 'source key',
    partitions: 1,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    producers: ['intake', 'device-grouping', 'list-state', 'operator-notifier'],
    consumers: [],
  }),
} as const;

export type TopicKey = keyof typeof topics;

/** Per-operator notices topic: only that operator reads it. */
export function operatorNoticesTopic(operatorId: string): TopicSpec<OperatorNotice> {
  return {
    name: `imei.operator.${operatorId}.notices.v1`,
    messageType: 'imei.v1.OperatorNotice',
    codec: OperatorNotice,
    key: 'msisdn',
    partitions: 1,
    config: { 'cleanup.policy': 'delete', 'retention.ms': String(30 * DAY_MS) },
    producers: ['operator-notifier'],
    consumers: [],
  };
}

/** All fixed topics, in a stable order. */
export const allTopics: readonly TopicSpec[] = Object.values(topics) as TopicSpec[];

/** The topic spec for a name, including per-operator notice topics. */
export function topicByName(name: string): TopicSpec | undefined {
  const fixed = allTopics.find((t) => t.name === name);
  if (fixed) return fixed;
  const m = /^imei\.operator\.([a-z0-9-]+)\.notices\.v1$/.exec(name);
  return m ? (operatorNoticesTopic(m[1]!) as TopicSpec) : undefined;
}
