import { EnvReader, readInfrastructureConfig, type InfrastructureConfig } from '@imei/config';

/** Everything operator-notifier reads from the environment, validated at start-up (this is the only module that reads it). */
export interface OperatorNotifierConfig {
  infrastructure: InfrastructureConfig;
  /** OPERATOR_NOTIFIER_GRPC_ADDRESS, default 127.0.0.1:50054. */
  grpcAddress: string;
  /** GRPC_TOKENS_FILE: caller tokens; default the local-stack dev tokens. */
  tokensFile: string | undefined;
}

export function readConfig(env = new EnvReader()): OperatorNotifierConfig {
  return {
    infrastructure: readInfrastructureConfig('operator-notifier', env),
    grpcAddress: env.address('OPERATOR_NOTIFIER_GRPC_ADDRESS', '127.0.0.1:50054').address,
    tokensFile: env.optional('GRPC_TOKENS_FILE'),
  };
}
