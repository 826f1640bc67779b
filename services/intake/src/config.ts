import { ConfigError, EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';
import { DEFAULT_MAX_CLOCK_SKEW_MS, DEFAULT_OPERATOR_IDS, isOperatorSlug } from '@imei/imei-rules';

/** Everything intake reads from the environment, validated at start-up (this is the only module that reads it). */
export interface IntakeConfig {
  infrastructure: InfrastructureConfig;
  /** INTAKE_GRPC_ADDRESS, default 127.0.0.1:50051. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
  /** INTAKE_OPERATORS: operator ids allowed to submit observations; default kcell,beeline,tele2-altel. */
  operators: ReadonlySet<string>;
  /** INTAKE_MAX_CLOCK_SKEW_MS: how far in the future a seen-at may lie; default 300000 (5 min). */
  maxClockSkewMs: number;
  /** INTAKE_DEDUP_CAPACITY: de-duplication keys remembered (≈ 56 bytes each, off the JS heap); default 1000000. */
  dedupCapacity: number;
  /**
   * INTAKE_PUBLISH_BATCH: observations per producer request; default 2000. With 2 requests in flight
   * per call this measured faster than 8 × 1000 (fewer records held until acknowledged, less GC).
   */
  publishBatch: number;
  /** INTAKE_PUBLISH_IN_FLIGHT: producer requests in flight per observations call; default 2. */
  publishInFlight: number;
  /**
   * INTAKE_GRPC_WINDOW_BYTES: HTTP/2 receive window of each gRPC stream (the connection gets twice
   * that); default 1048576. The default 64 KiB made client streams stall (see http2-windows.ts).
   */
  grpcWindowBytes: number;
  /** INTAKE_MAX_VIOLATIONS: violations listed in one summary (all are counted); default 1000. */
  maxViolations: number;
  /**
   * INTAKE_CRASH_AFTER_STORE: fault injection for the crash test only. When true the process kills
   * itself with SIGKILL right after storing an application change and before publishing its event.
   * Default false; never set it in a deployment.
   */
  crashAfterStore: boolean;
  /**
   * INTAKE_TOPIC_SUFFIX: appended to the names of the topics it writes, so an isolated run (the
   * benchmark) does not publish into the topics a mesh on the same broker reads. Default empty; the
   * broker must let its Kafka user (KAFKA_USERNAME) use those topics.
   */
  topicSuffix: string;
}

export function readConfig(env = new EnvReader()): IntakeConfig {
  const operators = env.list('INTAKE_OPERATORS', [...DEFAULT_OPERATOR_IDS]);
  const badOperator = operators.find((id) => !isOperatorSlug(id));
  if (badOperator !== undefined) throw new ConfigError('INTAKE_OPERATORS', operators.join(','), 'comma-separated lower-case slugs');
  return {
    infrastructure: readInfrastructureConfig('intake', env),
    grpcAddress: env.address('INTAKE_GRPC_ADDRESS', '127.0.0.1:50051').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
    operators: new Set(operators),
    maxClockSkewMs: env.int('INTAKE_MAX_CLOCK_SKEW_MS', DEFAULT_MAX_CLOCK_SKEW_MS, 0, 86_400_000),
    dedupCapacity: env.int('INTAKE_DEDUP_CAPACITY', 1_000_000, 2, 100_000_000),
    publishBatch: env.int('INTAKE_PUBLISH_BATCH', 2000, 1, 100_000),
    publishInFlight: env.int('INTAKE_PUBLISH_IN_FLIGHT', 2, 1, 64),
    grpcWindowBytes: env.int('INTAKE_GRPC_WINDOW_BYTES', 1 << 20, 65_535, 2 ** 30),
    maxViolations: env.int('INTAKE_MAX_VIOLATIONS', 1000, 0, 1_000_000),
    crashAfterStore: env.bool('INTAKE_CRASH_AFTER_STORE', false),
    topicSuffix: env.string('INTAKE_TOPIC_SUFFIX', ''),
  };
}

/** What the bulk import CLI reads from the environment (flags take precedence). */
export interface ImportConfig {
  /** INTAKE_ADDRESS: the running intake's gRPC address; default 127.0.0.1:50051. */
  address: string;
  /** INTAKE_TOKEN: the caller's bearer token (the operator's or distributor's credentials). */
  token: string | undefined;
  /** INTAKE_IMPORT_HISTORY: row counts of recent dumps for the volume gate; default ~/.imei-intake/import-history.json. */
  historyFile: string;
}

export function readImportConfig(home: string, env = new EnvReader()): ImportConfig {
  return {
    address: env.address('INTAKE_ADDRESS', '127.0.0.1:50051').address,
    token: env.optional('INTAKE_TOKEN'),
    historyFile: env.string('INTAKE_IMPORT_HISTORY', `${home}/.imei-intake/import-history.json`),
  };
}
