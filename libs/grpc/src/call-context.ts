import type { Deadline, Metadata } from '@grpc/grpc-js';
import { DomainError } from '@imei/errors';
import type { Identity, Role } from './identity';

/** What a handler knows about its call besides the request. */
export interface CallContext {
  /** The authenticated caller. */
  identity: Identity;
  /** Request metadata (trace context, idempotency hints). */
  metadata: Metadata;
  /** The caller's deadline, undefined when it set none. */
  deadline: Date | undefined;
  /** Aborted when the caller cancels or its deadline passes: stop work and writes. */
  signal: AbortSignal;
  /** Throws `DomainError('permission-denied')` unless the caller holds one of `allowed`. */
  require(...allowed: Role[]): void;
}

/** What the wrappers use of a grpc-js server call, whatever its kind (grpc-js does not export one). */
export interface ServerCall {
  readonly metadata: Metadata;
  getDeadline(): Deadline;
  getPath(): string;
  once(event: 'cancelled', listener: () => void): unknown;
}

const maxTimerMs = 2 ** 31 - 1;

/** Builds the context of an authenticated call. */
export function createCallContext(call: ServerCall, identity: Identity): CallContext {
  const cancelled = new AbortController();
  call.once('cancelled', () => cancelled.abort());
  const deadlineMs = Number(call.getDeadline());
  const remainingMs = deadlineMs - Date.now();
  // grpc-js answers DEADLINE_EXCEEDED by itself without always telling the handler, so the signal
  // keeps its own timer; beyond what a timer can hold (~24.8 days) the 'cancelled' event suffices.
  const signal = remainingMs <= maxTimerMs
    ? AbortSignal.any([cancelled.signal, AbortSignal.timeout(Math.max(0, remainingMs))])
    : cancelled.signal;
  return {
    identity,
    metadata: call.metadata,
    deadline: Number.isFinite(deadlineMs) ? new Date(deadlineMs) : undefined,
    signal,
    require(...allowed) {
      if (allowed.includes(identity.role)) return;
      throw new DomainError(
        'permission-denied',
        `requires role ${allowed.join(' or ')}; ${identity.principal} has role ${identity.role}`,
      );
    },
  };
}
