export { HealthBoard } from './health-board';
export { ServiceRuntime, type ServiceRuntimeOptions } from './service-runtime';
export { ServiceMetrics, type GaugeSample, type ListState } from './service-metrics';
