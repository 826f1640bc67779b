import { context, propagation, type Context } from '@opentelemetry/api';
import type { IHeaders } from 'kafkajs';

/** Header carrying the payload type, so a generic client can tell what a record holds. */
export const contentTypeHeader = 'content-type';

export function contentTypeOf(messageType: string): string {
  return `application/x-protobuf; messageType=${messageType}`;
}

const headerSetter = {
  set(carrier: IHeaders, key: string, value: string): void {
    carrier[key] = value;
  },
};

const headerGetter = {
  keys: (carrier: IHeaders): string[] => Object.keys(carrier),
  get(carrier: IHeaders, key: string): string | undefined {
    const v = carrier[key];
    if (v === undefined) return undefined;
    const first = Array.isArray(v) ? v[0] : v;
    return first === undefined ? undefined : first.toString();
  },
};

/** Record headers for a new record: content type plus the W3C trace context of `ctx` (traceparent, tracestate). */
export function outgoingHeaders(messageType: string, ctx: Context = context.active()): IHeaders {
  const headers: IHeaders = { [contentTypeHeader]: contentTypeOf(messageType) };
  propagation.inject(ctx, headers, headerSetter);
  return headers;
}

/** The trace context a record carries (the active context when it has none). */
export function traceContextOf(headers: IHeaders | undefined): Context {
  return headers ? propagation.extract(context.active(), headers, headerGetter) : context.active();
}

/** A header as a string. */
export function headerString(headers: IHeaders | undefined, key: string): string | undefined {
  return headers ? headerGetter.get(headers, key) : undefined;
}
