export { ConfigError, EnvReader } from './env-reader';
export { readInfrastructureConfig, type InfrastructureConfig } from './infrastructure-config';
