import { EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';

/** Everything list-state reads from the environment, validated at start-up (this is the only module that reads it). */
export interface ListStateConfig {
  infrastructure: InfrastructureConfig;
  /** LIST_STATE_GRPC_ADDRESS, default 127.0.0.1:50053. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
}

export function readConfig(env = new EnvReader()): ListStateConfig {
  return {
    infrastructure: readInfrastructureConfig('list-state', env),
    grpcAddress: env.address('LIST_STATE_GRPC_ADDRESS', '127.0.0.1:50053').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
  };
}
