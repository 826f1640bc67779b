import { join } from 'node:path';
import { devToken } from '@imei/grpc';
import { EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';

/** Everything list-state reads from the environment, validated at start-up (this is the only module that reads it). */
export interface ListStateConfig {
  infrastructure: InfrastructureConfig;
  /** LIST_STATE_GRPC_ADDRESS, default 127.0.0.1:50053. */
  grpcAddress: string;
  /** LIST_STATE_HTTP_ADDRESS: N5g-eir equipment status and the public check; default 127.0.0.1:8080. */
  httpAddress: { host: string; port: number };
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
  /** LIST_STATE_POLICY_FILE: the grey → black policy (JSON); default services/list-state/config/list-policy.json. */
  policyFile: string;
  /** LIST_STATE_PUBLIC_CHECKS_PER_MINUTE: public checks per client address per minute; default 30. */
  publicChecksPerMinute: number;
  /** LIST_STATE_CACHE_CAPACITY: initial slots of the known-IMEI cache (grows by doubling); default 1048576. */
  cacheCapacity: number;
  /** LIST_STATE_CONSUMER_GROUP: consumer group name after the `list-state.` prefix; default entries. */
  consumerGroup: string;
  /**
   * LIST_STATE_SESSION_TIMEOUT_MS: the consumer group session; default 60000. A member killed without
   * leaving the group holds its partitions (and a restarted member waits to join) this long.
   */
  sessionTimeoutMs: number;
  /** LIST_STATE_FROM_BEGINNING: a new group starts at the earliest offsets; default true. */
  fromBeginning: boolean;
  /** LIST_STATE_EIR_SUPI_OBSERVES: an N5g-eir query carrying `supi` counts as a live sighting of the IMEI; default false. */
  eirSupiObserves: boolean;
  /** LIST_STATE_DEVICE_GROUPING_ADDRESS: device-grouping's gRPC (re-check before a block); default 127.0.0.1:50052. */
  deviceGroupingAddress: string;
  /** LIST_STATE_INTAKE_ADDRESS: intake's gRPC (open applications in the re-check); default 127.0.0.1:50051. */
  intakeAddress: string;
  /** LIST_STATE_SERVICE_TOKEN: list-state's token towards those services; default the local-stack dev token. */
  serviceToken: string;
  /** LIST_STATE_SCHEDULER_INTERVAL_MS: how often the phase scheduler ticks (and renews its lease); default 60000. */
  schedulerIntervalMs: number;
  /** LIST_STATE_SCHEDULER_LEASE_MS: the scheduler lease's lifetime (> the interval); default 180000. */
  schedulerLeaseMs: number;
  /** LIST_STATE_RECHECK_BATCH: candidates per re-check batch (≤ 10000); default 1000. */
  recheckBatch: number;
  /**
   * LIST_STATE_CRASH_AFTER_STORE: fault injection for the crash test only. When true the process kills
   * itself with SIGKILL right after storing a batch of list changes and before publishing them.
   * Default false; never set it in a deployment.
   */
  crashAfterStore: boolean;
}

export function readConfig(env = new EnvReader()): ListStateConfig {
  const http = env.address('LIST_STATE_HTTP_ADDRESS', '127.0.0.1:8080');
  return {
    infrastructure: readInfrastructureConfig('list-state', env),
    grpcAddress: env.address('LIST_STATE_GRPC_ADDRESS', '127.0.0.1:50053').address,
    httpAddress: { host: http.host, port: http.port },
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
    policyFile: env.string('LIST_STATE_POLICY_FILE', join(__dirname, '..', 'config', 'list-policy.json')),
    publicChecksPerMinute: env.int('LIST_STATE_PUBLIC_CHECKS_PER_MINUTE', 30, 1, 1_000_000),
    cacheCapacity: env.int('LIST_STATE_CACHE_CAPACITY', 1 << 20, 16, 1 << 28),
    consumerGroup: env.string('LIST_STATE_CONSUMER_GROUP', 'entries'),
    sessionTimeoutMs: env.int('LIST_STATE_SESSION_TIMEOUT_MS', 60_000, 6_000, 300_000),
    fromBeginning: env.bool('LIST_STATE_FROM_BEGINNING', true),
    eirSupiObserves: env.bool('LIST_STATE_EIR_SUPI_OBSERVES', false),
    deviceGroupingAddress: env.address('LIST_STATE_DEVICE_GROUPING_ADDRESS', '127.0.0.1:50052').address,
    intakeAddress: env.address('LIST_STATE_INTAKE_ADDRESS', '127.0.0.1:50051').address,
    serviceToken: env.string('LIST_STATE_SERVICE_TOKEN', devToken('service:list-state')),
    schedulerIntervalMs: env.int('LIST_STATE_SCHEDULER_INTERVAL_MS', 60_000, 100, 86_400_000),
    schedulerLeaseMs: env.int('LIST_STATE_SCHEDULER_LEASE_MS', 180_000, 1000, 86_400_000),
    recheckBatch: env.int('LIST_STATE_RECHECK_BATCH', 1000, 1, 10_000),
    crashAfterStore: env.bool('LIST_STATE_CRASH_AFTER_STORE', false),
  };
}
