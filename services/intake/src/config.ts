import { EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';

/** Everything intake reads from the environment, validated at start-up (this is the only module that reads it). */
export interface IntakeConfig {
  infrastructure: InfrastructureConfig;
  /** INTAKE_GRPC_ADDRESS, default 127.0.0.1:50051. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
}

export function readConfig(env = new EnvReader()): IntakeConfig {
  return {
    infrastructure: readInfrastructureConfig('intake', env),
    grpcAddress: env.address('INTAKE_GRPC_ADDRESS', '127.0.0.1:50051').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
  };
}
