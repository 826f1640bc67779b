import { ConfigError, EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';
import { DEFAULT_GROUPING_POLICY, type GroupingPolicy } from './domain/grouping-policy';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Everything device-grouping reads from the environment, validated at start-up (this is the only module that reads it). */
export interface DeviceGroupingConfig {
  infrastructure: InfrastructureConfig;
  /** DEVICE_GROUPING_GRPC_ADDRESS, default 127.0.0.1:50052. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
  /**
   * DEVICE_GROUPING_SIBLING_WINDOW_DAYS (default 30), DEVICE_GROUPING_DEFAULT_SLOTS (2),
   * DEVICE_GROUPING_CLONE_MIN_IMSIS (3), DEVICE_GROUPING_CLONE_WINDOW_MINUTES (360),
   * DEVICE_GROUPING_CLONE_MIN_OPERATORS (2): see GroupingPolicy for why these defaults.
   */
  policy: GroupingPolicy;
  /**
   * DEVICE_GROUPING_INDEX_RETENTION_DAYS: how long the subscriber index keeps an IMEI–subscriber pair;
   * default and minimum the sibling window.
   */
  indexRetentionMs: number;
  /** DEVICE_GROUPING_SUBSCRIBER_KEY: secret of the HMAC that pseudonymises IMSIs and MSISDNs in the index. */
  subscriberKey: string;
  /**
   * DEVICE_GROUPING_CRASH_AFTER_STORE_OF: fault injection for the crash test only. When set, the process
   * kills itself with SIGKILL right after storing a change of a device whose id starts with this value,
   * before publishing its events (a prefix, so records of others on the shared topics do not trigger it).
   * Default empty (off); never set it in a deployment.
   */
  crashAfterStoreOf: string;
  /**
   * DEVICE_GROUPING_TOPIC_SUFFIX: appended to every topic name it reads and writes, so an isolated run
   * (the crash test) does not share topics with a mesh on the same broker. Default empty; the broker
   * must let its Kafka user (KAFKA_USERNAME) use those topics.
   */
  topicSuffix: string;
}

export function readConfig(env = new EnvReader()): DeviceGroupingConfig {
  const policy: GroupingPolicy = {
    ...DEFAULT_GROUPING_POLICY,
    siblingWindowMs: env.int('DEVICE_GROUPING_SIBLING_WINDOW_DAYS', DEFAULT_GROUPING_POLICY.siblingWindowMs / DAY_MS, 1, 365) * DAY_MS,
    defaultSlots: env.int('DEVICE_GROUPING_DEFAULT_SLOTS', DEFAULT_GROUPING_POLICY.defaultSlots, 1, 4),
    cloneMinImsis: env.int('DEVICE_GROUPING_CLONE_MIN_IMSIS', DEFAULT_GROUPING_POLICY.cloneMinImsis, 2, 100),
    cloneWindowMs: env.int('DEVICE_GROUPING_CLONE_WINDOW_MINUTES', DEFAULT_GROUPING_POLICY.cloneWindowMs / 60_000, 1, 7 * 24 * 60) * 60_000,
    cloneMinOperators: env.int('DEVICE_GROUPING_CLONE_MIN_OPERATORS', DEFAULT_GROUPING_POLICY.cloneMinOperators, 1, 20),
  };
  const retentionDays = env.int('DEVICE_GROUPING_INDEX_RETENTION_DAYS', policy.siblingWindowMs / DAY_MS, 1, 3650);
  if (retentionDays * DAY_MS < policy.siblingWindowMs) {
    throw new ConfigError('DEVICE_GROUPING_INDEX_RETENTION_DAYS', String(retentionDays), `at least the sibling window (${policy.siblingWindowMs / DAY_MS} days)`);
  }
  return {
    infrastructure: readInfrastructureConfig('device-grouping', env),
    grpcAddress: env.address('DEVICE_GROUPING_GRPC_ADDRESS', '127.0.0.1:50052').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
    policy,
    indexRetentionMs: retentionDays * DAY_MS,
    subscriberKey: env.string('DEVICE_GROUPING_SUBSCRIBER_KEY', 'imei-registry-dev-subscriber-key'),
    crashAfterStoreOf: env.string('DEVICE_GROUPING_CRASH_AFTER_STORE_OF', ''),
    topicSuffix: env.string('DEVICE_GROUPING_TOPIC_SUFFIX', ''),
  };
}

/** What the TAC import CLI reads from the environment: the store device-grouping uses. */
export interface TacImportConfig {
  /** MONGODB_URI, default mongodb://127.0.0.1:27017/. */
  mongoUri: string;
  /** MONGODB_DATABASE, default imei_device_grouping (the service's database). */
  mongoDatabase: string;
}

export function readTacImportConfig(env = new EnvReader()): TacImportConfig {
  const infrastructure = readInfrastructureConfig('device-grouping', env);
  return { mongoUri: infrastructure.mongoUri, mongoDatabase: infrastructure.mongoDatabase };
}
