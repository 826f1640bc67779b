import type { Context } from '@opentelemetry/api';
import { Binary } from 'mongodb';
import type { TopicSpec } from '@imei/contracts';
import { encodeValue, outgoingHeaders, type EncodedRecord } from '@imei/kafka';

/**
 * An event stored on its entity document, in the same write as the change it announces (design §4:
 * FerretDB has no transactions). Encoded once, so a re-publication is byte-identical.
 */
export interface StoredEvent {
  topic: string;
  key: string;
  /** Encoded proto payload; null for a tombstone. */
  value: Binary | null;
  /** Content type and the trace context of the change that produced it. */
  headers: Record<string, string>;
  /** Entity version after the change. */
  version: number;
  /** Id of the input that caused it (for replays). */
  cause: string;
}

/** Fields the outbox keeps on every entity document. */
export interface OutboxFields {
  _id: string;
  /** Grows by one per change. */
  version: number;
  /** The most recent events, oldest first (the pending ones and a few sent ones for replays). */
  outbox: StoredEvent[];
  /** True while some event has not been acknowledged by the broker. */
  outboxPending: boolean;
  /** Highest version whose events were acknowledged. */
  outboxSentVersion: number;
  /** Id of the store call that wrote the current version (tells our write from a rival's). */
  outboxWriteId?: string;
}

/** Encodes an event for `spec`'s topic, capturing the current trace context. */
export function storedEvent<T>(spec: TopicSpec<T>, key: string, value: T | null, version: number, cause: string, traceContext?: Context): StoredEvent {
  return {
    topic: spec.name,
    key,
    value: value === null ? null : new Binary(encodeValue(spec, value)),
    headers: outgoingHeaders(spec.messageType, traceContext) as Record<string, string>,
    version,
    cause,
  };
}

/** The record to publish for a stored event. */
export function recordOf(event: StoredEvent): EncodedRecord {
  return {
    topic: event.topic,
    key: event.key,
    value: event.value === null ? null : Buffer.from(event.value.buffer),
    headers: event.headers,
  };
}
