import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { topicByName } from '@imei/contracts';
import { imeiAttributes as imei, messagingAttributes as m } from '@imei/tracing';
import { headerString } from './record-headers';

/**
 * Kafka spans of the mesh, made here rather than by @opentelemetry/instrumentation-kafkajs: that
 * instrumentation parents a send span on whatever context is active and overwrites the record's
 * `traceparent` with it, which re-parents outbox events published later or in a batch mixing flows
 * (the stored traceparent is the flow's), and with `eachBatch` it starts every batch as a new trace.
 *
 * - send: one PRODUCER span per flow per request (records sharing a parent context), child of the
 *   context the record carries (or the active one); its context becomes the records' `traceparent`.
 * - process: one CONSUMER span per flow per consumed batch, CHILD of the producer's span, so one
 *   flow (application submitted → grouped → list change → block list) is one trace; records get it as
 *   `traceContext`, so the events a handler publishes for them continue that trace.
 * - a batch holding several flows is handled under a batch span of its own (a new trace) with LINKS
 *   to each flow's process span; a batch of one flow is handled under that flow's process span, so its
 *   store calls appear in the flow's trace.
 */
const tracer = trace.getTracer('@imei/kafka');

const traceparent = 'traceparent';

/** Attribute of a record key, only when the key is not personal data (notices are keyed by MSISDN). */
function keyAttributes(topic: string, key: string | Buffer | null | undefined): Attributes {
  const kind = topicByName(topic)?.key;
  if (key === null || key === undefined || (kind !== 'imei14' && kind !== 'device_id')) return {};
  const value = key.toString();
  return { [m.messageKey]: value, [kind === 'imei14' ? imei.imei14 : imei.deviceId]: value };
}

function flowAttributes(topic: string, count: number, single: { key?: string | Buffer | null } | undefined): Attributes {
  return {
    [m.system]: 'kafka',
    [m.destination]: topic,
    ...(count > 1 ? { [m.batchCount]: count } : single ? keyAttributes(topic, single.key) : {}),
  };
}

/** A flow's span over some records and the context to give them. */
export interface FlowSpan<T> {
  span: Span;
  context: Context;
  items: T[];
}

/** Groups items by the flow they belong to, in first-seen order. */
function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = keyOf(item);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push(item);
  }
  return [...groups];
}

/** Send spans of one request, one per flow, and each record's flow (records keep their order). */
export interface SendSpans<T> {
  flows: FlowSpan<T>[];
  contextOf(item: T): Context;
}

/** Starts the send spans of records about to be published, grouped by their parent context. */
export function startSendSpans<T>(topic: string, items: readonly T[], parentOf: (item: T) => Context, keyOf: (item: T) => string | Buffer | null): SendSpans<T> {
  const contexts = new Map<Context, Context>();
  const flows = groupBy(items, parentOf).map(([parent, group]) => {
    const span = tracer.startSpan(`send ${topic}`, {
      kind: SpanKind.PRODUCER,
      attributes: { ...flowAttributes(topic, group.length, group.length === 1 ? { key: keyOf(group[0]!) } : undefined), [m.operationType]: 'send', [m.operationName]: 'send' },
    }, parent);
    const flowContext = trace.setSpan(parent, span);
    contexts.set(parent, flowContext);
    return { span, context: flowContext, items: group };
  });
  return { flows, contextOf: (item) => contexts.get(parentOf(item))! };
}

/** The parent context of an already-encoded record: the trace context its stored headers carry. */
export function storedParentContexts<T extends { headers: Record<string, string | Buffer> }>(items: readonly T[]): (item: T) => Context {
  const byTraceparent = new Map<string, Context>();
  const active = context.active();
  return (item) => {
    const header = headerString(item.headers as IHeaders, traceparent);
    if (header === undefined) return active;
    let ctx = byTraceparent.get(header);
    if (!ctx) byTraceparent.set(header, (ctx = propagation.extract(ROOT_CONTEXT, item.headers, { keys: Object.keys, get: (c, k) => headerString(c as IHeaders, k) })));
    return ctx;
  };
}

/** Ends send spans once the broker answered. */
export async function endWhenSent<R>(spans: readonly FlowSpan<unknown>[], sending: Promise<R>): Promise<R> {
  try {
    return await sending;
  } catch (error) {
    for (const { span } of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
    throw error;
  } finally {
    for (const { span } of spans) span.end();
  }
}

/** The process spans of one consumed batch and the context its handler runs in. */
export interface BatchSpans {
  flows: FlowSpan<KafkaMessage>[];
  /** Flow span of each message. */
  flowOf: Map<KafkaMessage, FlowSpan<KafkaMessage>>;
  /** Where the handler runs: the only flow's context, or a batch span linking every flow. */
  handlerContext: Context;
  end(): void;
}

/** Starts the process spans of a consumed batch (see the module comment for the shape). */
export function startProcessSpans(topic: string, partition: number, group: string, messages: readonly KafkaMessage[]): BatchSpans {
  const base: Attributes = { [m.operationType]: 'process', [m.operationName]: 'process', [m.partition]: String(partition), [m.consumerGroup]: group };
  const flows = groupBy(messages, (message) => headerString(message.headers, traceparent) ?? '').map(([, items]): FlowSpan<KafkaMessage> => {
    const parent = propagation.extract(ROOT_CONTEXT, items[0]!.headers ?? {}, { keys: Object.keys, get: (c, k) => headerString(c as IHeaders, k) });
    const span = tracer.startSpan(`process ${topic}`, {
      kind: SpanKind.CONSUMER,
      attributes: { ...flowAttributes(topic, items.length, items.length === 1 ? items[0] : undefined), ...base, [m.offset]: Number(items[0]!.offset), [imei.flowRecords]: items.length },
    }, parent);
    return { span, context: trace.setSpan(parent, span), items };
  });
  const flowOf = new Map<KafkaMessage, FlowSpan<KafkaMessage>>();
  for (const flow of flows) for (const message of flow.items) flowOf.set(message, flow);
  let batchSpan: Span | undefined;
  let handlerContext: Context;
  if (flows.length <= 1) handlerContext = flows[0]?.context ?? context.active();
  else {
    batchSpan = tracer.startSpan(`process ${topic}`, {
      kind: SpanKind.CONSUMER,
      attributes: { [m.system]: 'kafka', [m.destination]: topic, ...base, [m.batchCount]: messages.length, [imei.batchFlows]: flows.length },
      links: flows.map((f) => ({ context: f.span.spanContext() })),
    }, ROOT_CONTEXT);
    handlerContext = trace.setSpan(ROOT_CONTEXT, batchSpan);
  }
  return {
    flows,
    flowOf,
    handlerContext,
    end: () => {
      batchSpan?.end();
      for (const { span } of flows) span.end();
    },
  };
}

/** Marks a record's flow span: the record went to the dead-letter topic. */
export function markDeadLettered(span: Span | undefined, kind: string, reason: string): void {
  if (!span) return;
  span.addEvent('dead-lettered', { [imei.deadLetterKind]: kind, 'exception.message': reason });
  span.setStatus({ code: SpanStatusCode.ERROR, message: `dead-lettered (${kind})` });
}
