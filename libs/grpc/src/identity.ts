import type { Metadata } from '@grpc/grpc-js';

/** Roles a caller can hold; handlers check them with `ctx.require(...)`. */
export const roles = ['service', 'operator', 'officer', 'trusted-source', 'individual'] as const;
export type Role = (typeof roles)[number];

/** Kinds of trusted application sources (their applications are approved by rule). */
export const trustedSources = ['official-distributor', 'customs'] as const;
export type TrustedSource = (typeof trustedSources)[number];

/**
 * Who is calling, established from the bearer token, never from request fields: the operator of an
 * observation and the source of an application are taken from here.
 */
export interface Identity {
  /** Stable name such as `operator:kcell` or `service:list-state` (used in audit trails). */
  principal: string;
  role: Role;
  /** Set for role `operator`: the operator id slug (`kcell`, `beeline`, `tele2-altel`). */
  operatorId?: string;
  /** Set for role `trusted-source`. */
  source?: TrustedSource;
}

/** Establishes the caller of a gRPC call from its metadata; throws `DomainError('unauthenticated')`. */
export interface Authenticator {
  authenticate(metadata: Metadata): Identity;
}
