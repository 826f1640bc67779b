import { EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';
import { topics } from '@imei/contracts';

const DAY_MS = 86_400_000;

/** Everything operator-notifier reads from the environment, validated at start-up (this is the only module that reads it). */
export interface OperatorNotifierConfig {
  infrastructure: InfrastructureConfig;
  /** OPERATOR_NOTIFIER_GRPC_ADDRESS, default 127.0.0.1:50054. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
  /** OPERATOR_NOTIFIER_BLOCKLIST_GROUP: consumer group (after the service prefix) projecting list changes; default block-list. */
  blockListGroup: string;
  /**
   * OPERATOR_NOTIFIER_TOMBSTONE_RETENTION_DAYS: how long the block list keeps tombstones (must match the
   * topic's delete.retention.ms); operators whose lag nears it are flagged. Default from the topic registry (30).
   */
  tombstoneRetentionMs: number;
  /** OPERATOR_NOTIFIER_FROM_BEGINNING: a new consumer group starts at the earliest offsets; default true. */
  fromBeginning: boolean;
  /** OPERATOR_NOTIFIER_LEAD_DAYS: days before a block date at which subscribers are warned; default 14,3,1. */
  leadDays: number[];
  /** OPERATOR_NOTIFIER_SUBSCRIBER_RETENTION_DAYS: how long a subscriber's use of an IMEI is remembered; default 90. */
  subscriberRetentionMs: number;
  /**
   * OPERATOR_NOTIFIER_ENFORCEMENT_GRACE_HOURS: how long after a block an operator's network may still
   * show the IMEI before the enforcement report counts it (a request may set its own); default 24.
   */
  enforcementGraceMs: number;
  /** OPERATOR_NOTIFIER_NOTICE_INTERVAL_SECONDS: how often due notices are published; default 3600. */
  noticeIntervalMs: number;
  /**
   * OPERATOR_NOTIFIER_COMPACTION_HORIZON_HOURS: links of the block-list projection stored less than this long
   * ago are never folded into their base; default 24 (far beyond any session timeout or poll interval).
   */
  compactionHorizonMs: number;
  /** OPERATOR_NOTIFIER_COMPACTION_INTERVAL_MINUTES: how often this member runs a compaction; 0 disables; default 60. */
  compactionIntervalMs: number;
  /** OPERATOR_NOTIFIER_COMPACTION_MAX_IMEIS: IMEIs folded per compaction run at most; default 10000. */
  compactionMaxImeis: number;
  /**
   * OPERATOR_NOTIFIER_CRASH_AFTER_STORE: fault injection for the crash test only. When true the process
   * kills itself with SIGKILL right after storing a batch of block-list changes and before publishing
   * them. Default false; never set it in a deployment.
   */
  crashAfterStore: boolean;
}

export function readConfig(env = new EnvReader()): OperatorNotifierConfig {
  return {
    infrastructure: readInfrastructureConfig('operator-notifier', env),
    grpcAddress: env.address('OPERATOR_NOTIFIER_GRPC_ADDRESS', '127.0.0.1:50054').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
    blockListGroup: env.string('OPERATOR_NOTIFIER_BLOCKLIST_GROUP', 'block-list'),
    tombstoneRetentionMs: env.int('OPERATOR_NOTIFIER_TOMBSTONE_RETENTION_DAYS', Number(topics.blockList.config['delete.retention.ms']) / DAY_MS, 1, 3650) * DAY_MS,
    fromBeginning: env.bool('OPERATOR_NOTIFIER_FROM_BEGINNING', true),
    leadDays: env.list('OPERATOR_NOTIFIER_LEAD_DAYS', ['14', '3', '1']).map((d) => {
      const days = Number(d);
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error(`OPERATOR_NOTIFIER_LEAD_DAYS=${JSON.stringify(d)}: each lead time must be a whole number of days 1..365`);
      return days;
    }),
    subscriberRetentionMs: env.int('OPERATOR_NOTIFIER_SUBSCRIBER_RETENTION_DAYS', 90, 1, 3650) * DAY_MS,
    enforcementGraceMs: env.int('OPERATOR_NOTIFIER_ENFORCEMENT_GRACE_HOURS', 24, 0, 24 * 365) * 3_600_000,
    noticeIntervalMs: env.int('OPERATOR_NOTIFIER_NOTICE_INTERVAL_SECONDS', 3600, 1, 86_400) * 1000,
    compactionHorizonMs: env.int('OPERATOR_NOTIFIER_COMPACTION_HORIZON_HOURS', 24, 1, 24 * 365) * 3_600_000,
    compactionIntervalMs: env.int('OPERATOR_NOTIFIER_COMPACTION_INTERVAL_MINUTES', 60, 0, 7 * 24 * 60) * 60_000,
    compactionMaxImeis: env.int('OPERATOR_NOTIFIER_COMPACTION_MAX_IMEIS', 10_000, 1, 10_000_000),
    crashAfterStore: env.bool('OPERATOR_NOTIFIER_CRASH_AFTER_STORE', false),
  };
}
