/**
 * `node --require @imei/tracing/register services/<name>/dist/main.js`: starts tracing from the
 * `OTEL_*` variables before any service code loads. With OTEL_TRACES_EXPORTER unset or `none` it
 * installs nothing, so processes without a collector pay nothing.
 */
import { startTracing } from './start-tracing';
import { readTracingConfig } from './tracing-config';

startTracing(readTracingConfig());
