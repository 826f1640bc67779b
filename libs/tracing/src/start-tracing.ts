import { context, propagation, trace, type TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ConsoleSpanExporter,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { setTracingHandle } from './flush';
import { PersonalDataRedactingProcessor } from './personal-data-redaction';
import type { TracesExporter, TracingConfig } from './tracing-config';

export { readTracingConfig, type TracingConfig } from './tracing-config';

function samplerOf(config: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(config.samplerRatio);
  switch (config.sampler) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return ratio;
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: ratio });
    default: {
      const never: never = config.sampler;
      throw new Error(`unknown sampler ${String(never)}`);
    }
  }
}

function exporterOf(name: TracesExporter): SpanExporter {
  switch (name) {
    // Endpoints come from OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT / OTEL_EXPORTER_ZIPKIN_ENDPOINT, read by the exporters.
    case 'otlp': return new OTLPTraceExporter();
    case 'zipkin': return new ZipkinExporter();
    case 'console': return new ConsoleSpanExporter();
    default: {
      const never: never = name;
      throw new Error(`unknown exporter ${String(never)}`);
    }
  }
}

/** Health probes would be most spans of an idle mesh: not traced. */
const untracedGrpcMethods = [(method: string) => method === 'Check' || method === 'Watch', /ServerReflectionInfo$/];

export interface StartTracingOptions {
  /** Processors used instead of the configured exporters (tests: an in-memory exporter). Still redacted. */
  processors?: SpanProcessor[];
  /** Register the gRPC and MongoDB instrumentations; default true (unit tests of the lib's spans turn them off). */
  instrumentations?: boolean;
}

/**
 * Starts the OpenTelemetry SDK for this process: AsyncLocalStorage context manager (so `context.with`
 * carries across awaits), W3C trace context + baggage propagation, the configured sampler and
 * exporters behind the personal-data redaction, and the gRPC (grpc-js) and MongoDB driver
 * instrumentations. Kafka spans come from `@imei/kafka` itself (see README, "Tracing").
 * Returns false, and installs nothing, when no exporter is configured (OTEL_TRACES_EXPORTER unset or none).
 * Must run before `@grpc/grpc-js` and `mongodb` are loaded: use `node --require @imei/tracing/register`.
 */
export function startTracing(config: TracingConfig, options: StartTracingOptions = {}): boolean {
  const inner = options.processors ?? config.exporters.map((name) => new BatchSpanProcessor({ exporter: exporterOf(name), ...config.batch }));
  if (inner.length === 0) return false;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagator: TextMapPropagator = new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] });
  propagation.setGlobalPropagator(propagator);
  const resource = resourceFromAttributes({ 'service.name': config.serviceName }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new TracerProvider({
    resource,
    sampler: samplerOf(config),
    spanProcessors: inner.map((processor) => new PersonalDataRedactingProcessor(processor)),
  });
  trace.setGlobalTracerProvider(provider);
  if (options.instrumentations !== false) registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new GrpcInstrumentation({ ignoreGrpcMethods: untracedGrpcMethods }),
      // Default statement serialisation replaces every value by '?': no IMEI, IMSI or MSISDN in db.query.text.
      new MongoDBInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    ],
  });
  setTracingHandle({ flush: () => provider.forceFlush(), shutdown: () => provider.shutdown() });
  return true;
}
