import { readTracingConfig } from './tracing-config';

describe('readTracingConfig', () => {
  it('is off by default and names the service after its directory', () => {
    const config = readTracingConfig({}, '/repo/services/list-state/dist/main.js');
    expect(config).toMatchObject({ exporters: [], serviceName: 'list-state', sampler: 'parentbased_always_on', samplerRatio: 1 });
  });

  it('reads the standard OTEL_* variables', () => {
    const config = readTracingConfig({ OTEL_TRACES_EXPORTER: 'zipkin,console', OTEL_SERVICE_NAME: 'intake', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_BSP_SCHEDULE_DELAY: '200' });
    expect(config).toMatchObject({ exporters: ['zipkin', 'console'], serviceName: 'intake', sampler: 'parentbased_traceidratio', samplerRatio: 0.25, batch: { scheduledDelayMillis: 200 } });
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' }).exporters).toEqual([]);
    expect(readTracingConfig({ OTEL_TRACES_EXPORTER: 'none' }).exporters).toEqual([]);
  });

  it('fails naming the variable and the value', () => {
    expect(() => readTracingConfig({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow('OTEL_TRACES_EXPORTER="jaeger" is invalid');
    expect(() => readTracingConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow('OTEL_TRACES_SAMPLER_ARG="2" is invalid');
  });
});
