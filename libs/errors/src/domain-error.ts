/** One field-level problem: which record (index, -1 for a single request), which field, which value, why. */
export interface FieldViolation {
  index: number;
  field: string;
  value: string;
  description: string;
}

/**
 * What went wrong, in the product's terms. Adapters map these to gRPC status codes or HTTP problem
 * details at the edge; domain code never imports a transport.
 */
export type DomainErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'failed-precondition'
  | 'permission-denied'
  | 'unauthenticated'
  | 'resource-exhausted'
  | 'unavailable';

/** A typed domain error carrying a code and, for bad input, the violations that name field and value. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** Bad input: the message names the first violation's field and value. */
  static invalid(violations: readonly FieldViolation[]): DomainError {
    const first = violations[0];
    const message = first
      ? `${first.field}=${JSON.stringify(first.value)}: ${first.description}` +
        (violations.length > 1 ? ` (+${violations.length - 1} more)` : '')
      : 'invalid argument';
    return new DomainError('invalid-argument', message, violations);
  }

  static violation(field: string, value: string, description: string, index = -1): FieldViolation {
    return { index, field, value, description };
  }
}

/**
 * A failure that can never succeed however often it is retried (undecodable or invalid record):
 * consumers send the record to the dead-letter topic with `reason` and go on.
 */
export class PoisonRecordError extends Error {
  constructor(
    readonly kind: 'decode' | 'invalid' | 'unknown',
    reason: string,
  ) {
    super(reason);
    this.name = 'PoisonRecordError';
  }
}

/** Error names of the drivers' connection-level failures: the store or the broker is unreachable. */
const transientNames = /^(MongoNetwork|MongoServerSelection|MongoNotConnected|MongoTopologyClosed|MongoPoolCleared|KafkaJSConnection|KafkaJSRequestTimeout|KafkaJSBrokerNotFound|KafkaJSNumberOfRetriesExceeded|KafkaJSLockTimeout)/;
const transientCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * True for failures worth retrying with backoff (store or broker unreachable, or anything flagged
 * `retriable`); false for bad data and programmer errors.
 */
export function isRetriable(error: unknown): boolean {
  if (error instanceof PoisonRecordError) return false;
  if (error instanceof DomainError) return error.code === 'unavailable';
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { retriable?: unknown; name?: unknown; code?: unknown; cause?: unknown };
  if (e.retriable === true) return true;
  if (typeof e.name === 'string' && transientNames.test(e.name)) return true;
  if (typeof e.code === 'string' && transientCodes.has(e.code)) return true;
  return e.cause !== undefined && e.cause !== error && isRetriable(e.cause);
}
