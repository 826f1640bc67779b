import { trace } from '@opentelemetry/api';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { personalDataFields, pseudonymise } from './pseudonymise';

export type { Logger } from 'pino';

const redactPaths = personalDataFields.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `*[*].${f}`, `*.*[*].${f}`]);

/**
 * Structured JSON logger (pino) for a service: personal data fields are replaced by keyed pseudonyms
 * at any of the usual depths, and the active trace/span ids are added to every line.
 * Level defaults to LOG_LEVEL or info; output to stdout unless `destination` is given.
 */
export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info', options: LoggerOptions = {}, destination?: DestinationStream): Logger {
  const config: LoggerOptions = {
    name: service,
    level,
    base: { service, pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: (value: unknown) => pseudonymise(value) },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const ctx = span.spanContext();
      return { trace_id: ctx.traceId, span_id: ctx.spanId };
    },
    ...options,
  };
  return destination ? pino(config, destination) : pino(config);
}
