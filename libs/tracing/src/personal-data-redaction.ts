import type { Attributes, AttributeValue, Context, Link } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace';
import { pseudonymise } from '@imei/log';
import { personalDataAttribute } from './attributes';

/**
 * Shapes of personal data inside free text (exception messages, statements): an E.164 number with
 * its `+`, a Kazakh mobile number in national form (7/8 then 7 and nine digits), and an IMSI of a
 * Kazakh network (MCC 401, 15 digits). IMEIs (15 digits with other reporting bodies) are kept.
 */
const personalDataInText = /\+\d{10,15}\b|\b[78]7\d{9}\b|\b401\d{12}\b/g;

function redactValue(name: string, value: AttributeValue | undefined): AttributeValue | undefined {
  if (value === undefined) return value;
  if (personalDataAttribute(name)) return Array.isArray(value) ? value.map((v) => pseudonymise(v)) : pseudonymise(value);
  if (typeof value === 'string') return value.replace(personalDataInText, (match) => pseudonymise(match));
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.replace(personalDataInText, (m) => pseudonymise(m)) : v)) as AttributeValue;
  return value;
}

/** Attributes with personal data pseudonymised (keyed HMAC, `pn:…`): by name, and by shape in text. */
export function redactAttributes(attributes: Attributes | undefined): Attributes {
  const out: Attributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) out[name] = redactValue(name, value);
  return out;
}

function redactedSpan(span: ReadableSpan): ReadableSpan {
  const events: TimedEvent[] = span.events.map((e) => ({ ...e, attributes: e.attributes && redactAttributes(e.attributes) }));
  const links: Link[] = span.links.map((l) => ({ ...l, attributes: l.attributes && redactAttributes(l.attributes) }));
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message ? { ...span.status, message: span.status.message.replace(personalDataInText, (m) => pseudonymise(m)) } : span.status,
    attributes: redactAttributes(span.attributes),
    links,
    events,
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/**
 * Wraps the exporting processor: every ended span reaches it with personal data pseudonymised in its
 * attributes, event attributes (exception messages), link attributes and status message. This is the
 * safety net behind the rule that no code sets such attributes (design §4).
 */
export class PersonalDataRedactingProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(redactedSpan(span));
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
