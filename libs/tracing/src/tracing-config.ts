import { basename, dirname } from 'node:path';

export type TracesExporter = 'otlp' | 'zipkin' | 'console';
export type SamplerName = 'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

/** Tracing settings, read only from the standard `OTEL_*` variables. */
export interface TracingConfig {
  /** OTEL_TRACES_EXPORTER (comma list of otlp | zipkin | console | none); default none: no SDK at all. */
  exporters: TracesExporter[];
  /** OTEL_SERVICE_NAME; default the service directory of the main script (`services/<name>/dist/main.js`). */
  serviceName: string;
  /** OTEL_TRACES_SAMPLER, default parentbased_always_on. */
  sampler: SamplerName;
  /** OTEL_TRACES_SAMPLER_ARG: ratio for the *traceidratio samplers, default 1. */
  samplerRatio: number;
  /** OTEL_BSP_SCHEDULE_DELAY (5000 ms), OTEL_BSP_MAX_QUEUE_SIZE (2048), OTEL_BSP_MAX_EXPORT_BATCH_SIZE (512), OTEL_BSP_EXPORT_TIMEOUT (30000 ms). */
  batch: { scheduledDelayMillis: number; maxQueueSize: number; maxExportBatchSize: number; exportTimeoutMillis: number };
}

const exporterNames = ['otlp', 'zipkin', 'console', 'none'] as const;
const samplerNames: readonly SamplerName[] = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'];

function fail(variable: string, value: string, expected: string): never {
  throw new Error(`tracing config: ${variable}=${JSON.stringify(value)} is invalid: expected ${expected}`);
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) fail(name, raw, 'a positive integer');
  return value;
}

/** The service name when OTEL_SERVICE_NAME is unset: `<name>` of `services/<name>/dist/main.js`. */
function defaultServiceName(mainScript: string | undefined): string {
  if (!mainScript) return 'unknown_service:node';
  const dir = dirname(mainScript);
  return basename(dir) === 'dist' ? basename(dirname(dir)) : basename(mainScript).replace(/\.[cm]?js$/, '');
}

/** Reads the tracing settings (see field docs); an invalid value fails with the variable named. */
export function readTracingConfig(env: NodeJS.ProcessEnv = process.env, mainScript = process.argv[1]): TracingConfig {
  const disabled = (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true';
  const rawExporters = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  for (const name of rawExporters) {
    if (!(exporterNames as readonly string[]).includes(name)) fail('OTEL_TRACES_EXPORTER', env.OTEL_TRACES_EXPORTER!, exporterNames.join(', '));
  }
  const exporters = disabled || rawExporters.includes('none') ? [] : ([...new Set(rawExporters)] as TracesExporter[]);
  const sampler = (env.OTEL_TRACES_SAMPLER || 'parentbased_always_on') as SamplerName;
  if (!samplerNames.includes(sampler)) fail('OTEL_TRACES_SAMPLER', sampler, samplerNames.join(', '));
  const rawRatio = env.OTEL_TRACES_SAMPLER_ARG;
  const samplerRatio = rawRatio === undefined || rawRatio === '' ? 1 : Number(rawRatio);
  if (!(samplerRatio >= 0 && samplerRatio <= 1)) fail('OTEL_TRACES_SAMPLER_ARG', rawRatio!, 'a ratio in [0, 1]');
  return {
    exporters,
    serviceName: env.OTEL_SERVICE_NAME || defaultServiceName(mainScript),
    sampler,
    samplerRatio,
    batch: {
      scheduledDelayMillis: positiveInt(env, 'OTEL_BSP_SCHEDULE_DELAY', 5000),
      maxQueueSize: positiveInt(env, 'OTEL_BSP_MAX_QUEUE_SIZE', 2048),
      maxExportBatchSize: positiveInt(env, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512),
      exportTimeoutMillis: positiveInt(env, 'OTEL_BSP_EXPORT_TIMEOUT', 30_000),
    },
  };
}
