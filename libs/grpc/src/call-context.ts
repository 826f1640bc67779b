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
  /** grpc-js sets it when it emits 'cancelled' (every grpc-js server call has it). */
  readonly cancelled?: boolean;
  getDeadline(): Deadline;
  getPath(): string;
  once(event: 'cancelled', listener: () => void): unknown;
}

const maxTimerMs = 2 ** 31 - 1;

/**
 * The context of one call. Its signal and deadline are built only when a handler reads them: most
 * calls (a single check) never do, and an AbortController, a timer, `AbortSignal.any` and the
 * DOMException of the abort grpc-js's 'cancelled' event causes at the end of *every* call (it is
 * emitted when the stream closes, answered or not) cost more than the check itself.
 */
export class EdgeCallContext implements CallContext {
  private lazySignal: AbortSignal | undefined;
  /** Set once the 'cancelled' event fired, for calls that do not carry `cancelled` themselves. */
  private cancelledSeen = false;
  private readonly deadlineMs: number;
  readonly metadata: Metadata;

  constructor(private readonly call: ServerCall, readonly identity: Identity) {
    this.metadata = call.metadata;
    this.deadlineMs = Number(call.getDeadline());
    if (call.cancelled === undefined) call.once('cancelled', () => (this.cancelledSeen = true));
  }

  get deadline(): Date | undefined {
    return Number.isFinite(this.deadlineMs) ? new Date(this.deadlineMs) : undefined;
  }

  get signal(): AbortSignal {
    this.lazySignal ??= this.createSignal();
    return this.lazySignal;
  }

  /** Whether the signal is (or, once read, would be) aborted; reads it only when a handler built it. */
  get aborted(): boolean {
    if (this.lazySignal) return this.lazySignal.aborted;
    return this.isCancelled() || this.deadlineMs <= Date.now();
  }

  require(...allowed: Role[]): void {
    if (allowed.includes(this.identity.role)) return;
    throw new DomainError(
      'permission-denied',
      `requires role ${allowed.join(' or ')}; ${this.identity.principal} has role ${this.identity.role}`,
    );
  }

  private isCancelled(): boolean {
    return this.call.cancelled === true || this.cancelledSeen;
  }

  private createSignal(): AbortSignal {
    const cancelled = new AbortController();
    if (this.isCancelled()) cancelled.abort();
    else this.call.once('cancelled', () => cancelled.abort());
    const remainingMs = this.deadlineMs - Date.now();
    // grpc-js answers DEADLINE_EXCEEDED by itself without always telling the handler, so the signal
    // keeps its own timer; beyond what a timer can hold (~24.8 days) the 'cancelled' event suffices.
    if (remainingMs > maxTimerMs) return cancelled.signal;
    if (cancelled.signal.aborted) return cancelled.signal;
    const expired = remainingMs <= 0
      ? AbortSignal.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))
      : AbortSignal.timeout(remainingMs);
    return AbortSignal.any([cancelled.signal, expired]);
  }
}

/** Builds the context of an authenticated call. */
export function createCallContext(call: ServerCall, identity: Identity): EdgeCallContext {
  return new EdgeCallContext(call, identity);
}
