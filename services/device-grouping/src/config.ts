import { EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';

/** Everything device-grouping reads from the environment, validated at start-up (this is the only module that reads it). */
export interface DeviceGroupingConfig {
  infrastructure: InfrastructureConfig;
  /** DEVICE_GROUPING_GRPC_ADDRESS, default 127.0.0.1:50052. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
}

export function readConfig(env = new EnvReader()): DeviceGroupingConfig {
  return {
    infrastructure: readInfrastructureConfig('device-grouping', env),
    grpcAddress: env.address('DEVICE_GROUPING_GRPC_ADDRESS', '127.0.0.1:50052').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
  };
}
