/**
 * Every span attribute name the registry sets itself, in one place. Standard attributes follow the
 * OpenTelemetry semantic conventions (messaging.*, rpc.*, db.* — the last two are set by the gRPC
 * and MongoDB instrumentations); domain attributes live under `imei.*`.
 *
 * Personal data (IMSI, MSISDN, owner ids) is never an attribute: {@link personalDataAttribute}
 * tells which names the exporting pipeline pseudonymises should a future change set one anyway.
 */

/** OpenTelemetry messaging conventions used by the Kafka lib's own spans. */
export const messagingAttributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  partition: 'messaging.destination.partition.id',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  consumerGroup: 'messaging.consumer.group.name',
  batchCount: 'messaging.batch.message_count',
  /** Only for topics keyed by `imei14` or a device id; never for MSISDN-keyed topics. */
  messageKey: 'messaging.kafka.message.key',
  offset: 'messaging.kafka.offset',
  tombstone: 'messaging.kafka.message.tombstone',
} as const;

/** Domain attributes (namespace `imei.`). */
export const imeiAttributes = {
  /** Registry key of the IMEI a span is about (14 digits, or the upper-cased malformed input). */
  imei14: 'imei.imei14',
  /** Device id (derived from the registration application id). */
  deviceId: 'imei.device_id',
  /** Application id handled by intake. */
  applicationId: 'imei.application_id',
  /** Operator slug of an observation or a notice (`kcell`, `beeline`, …). */
  operatorId: 'imei.operator_id',
  /** List state after a change: white | grey | black. */
  listState: 'imei.list_state',
  /** Kind of a dead letter (decode | invalid | unknown). */
  deadLetterKind: 'imei.dead_letter.kind',
  /** Records of a consumed batch that carried this span's trace (a batch mixes flows). */
  flowRecords: 'imei.flow.record_count',
  /** Number of distinct flows (trace contexts) in a consumed batch. */
  batchFlows: 'imei.batch.flow_count',
} as const;

/** Names of personal data, as a key or a key segment, in every spelling the codebase uses. */
const personalNames = new Set(['imsi', 'msisdn', 'ownerref', 'ownerid', 'owner', 'supi', 'gpsi', 'subscriber']);

/** True when an attribute name names personal data (any dot-separated segment, case and `_` ignored). */
export function personalDataAttribute(name: string): boolean {
  return name.split('.').some((segment) => personalNames.has(segment.toLowerCase().replace(/_/g, '')));
}
