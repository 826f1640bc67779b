export { ConfigError, EnvReader } from './env-reader';
export { readInfrastructureConfig, type InfrastructureConfig } from './infrastructure-config';
export { onShutdown, type ShutdownStep } from './shutdown';
