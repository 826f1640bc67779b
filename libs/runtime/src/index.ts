export { HealthBoard } from './health-board';
export { ServiceRuntime, type ServiceRuntimeOptions } from './service-runtime';
