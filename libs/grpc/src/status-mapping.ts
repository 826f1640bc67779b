import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { DomainError, isRetriable, type DomainErrorCode, type FieldViolation } from '@imei/errors';
import type { Logger } from '@imei/log';
import { encodeBadRequestStatus, statusDetailsKey } from './status-details';

const codes: Record<DomainErrorCode, status> = {
  'invalid-argument': status.INVALID_ARGUMENT,
  'not-found': status.NOT_FOUND,
  'already-exists': status.ALREADY_EXISTS,
  'failed-precondition': status.FAILED_PRECONDITION,
  'permission-denied': status.PERMISSION_DENIED,
  unauthenticated: status.UNAUTHENTICATED,
  'resource-exhausted': status.RESOURCE_EXHAUSTED,
  unavailable: status.UNAVAILABLE,
};

/**
 * The status a handler's failure is answered with. A `DomainError` keeps its code and message, and
 * bad input adds a `google.rpc.BadRequest` naming each field and value. A store or broker outage
 * (`isRetriable`) becomes UNAVAILABLE so that clients retry idempotent calls. Anything else is a bug:
 * logged with its stack, answered INTERNAL "internal error" so no internals reach the caller.
 */
export function toGrpcStatus(error: unknown, logger: Logger, method: string): StatusObject {
  if (error instanceof DomainError) {
    const metadata = new Metadata();
    const code = codes[error.code];
    if (code === status.INVALID_ARGUMENT && error.violations.length > 0) {
      const details = encodeBadRequestStatus(code, error.message, error.violations.map(toBadRequestViolation));
      metadata.set(statusDetailsKey, Buffer.from(details));
    }
    return { code, details: error.message, metadata };
  }
  if (isRetriable(error)) {
    logger.warn({ err: error, method }, 'dependency unavailable during gRPC call');
    return { code: status.UNAVAILABLE, details: 'temporarily unavailable, retry later', metadata: new Metadata() };
  }
  logger.error({ err: error, method }, 'gRPC handler failed');
  return { code: status.INTERNAL, details: 'internal error', metadata: new Metadata() };
}

/**
 * The request path of a violation: the record index goes after the first segment of `field`, which
 * names the repeated field (`observations.imei` at index 3 → `observations[3].imei`, `imeis` at 1 →
 * `imeis[1]`); a single request (index -1) or a field already indexed keeps `field` as it is.
 */
export function violationPath(violation: FieldViolation): string {
  const { field, index } = violation;
  if (index < 0 || field.includes('[')) return field;
  const dot = field.indexOf('.');
  return dot < 0 ? `${field}[${index}]` : `${field.slice(0, dot)}[${index}]${field.slice(dot)}`;
}

function toBadRequestViolation(violation: FieldViolation) {
  return { field: violationPath(violation), description: `${violation.description} (value: ${JSON.stringify(violation.value)})` };
}
