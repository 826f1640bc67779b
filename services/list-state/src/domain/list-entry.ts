/**
 * The list entry of one IMEI (`imei14`) and its audit records, in the product's words. The adapters map
 * these names to the proto enums (`ListState`, `ListReason`) at the edge.
 */

export type ListStateName = 'white' | 'grey' | 'black';

export const greyReasons = ['unverified', 'pending-sibling', 'conflict'] as const;
export const blackReasons = ['grace-expired', 'cloned', 'malformed', 'officer-decision'] as const;
export const whiteReasons = ['registered', 'sibling-confirmed', 'grandfathered', 'unblocked-with-documents', 'officer-unblock'] as const;

export type GreyReason = (typeof greyReasons)[number];
export type BlackReason = (typeof blackReasons)[number];
export type WhiteReason = (typeof whiteReasons)[number];
export type ListReasonName = GreyReason | BlackReason | WhiteReason;

/** Reasons of automatic blocks: each passes the mass-block guard (design §4). */
export type AutomaticBlockReason = 'grace-expired' | 'cloned' | 'malformed';

/** The list a reason belongs to (reasons are unique to one list). */
export function stateOfReason(reason: ListReasonName): ListStateName {
  if ((greyReasons as readonly string[]).includes(reason)) return 'grey';
  if ((blackReasons as readonly string[]).includes(reason)) return 'black';
  return 'white';
}

/** One transition of an entry: what the audit trail keeps (append-only) and what a ListChange announces. */
export interface AuditRecord {
  /** Entry version after the transition. */
  version: number;
  /** null for the entry's creation. */
  from: ListStateName | null;
  to: ListStateName;
  reason: ListReasonName;
  /** Id of the input that caused it: `topic/partition/offset` or a command id. */
  cause: string;
  /** Who: `network`, `service:device-grouping`, `officer:<name>`, `scheduler:<phase>`. */
  actor: string;
  /** Epoch ms. */
  at: number;
  /** Why, in words: officer's reason, automatic reversal, re-check notes. */
  note: string;
}

export interface ListEntry {
  imei14: string;
  state: ListStateName;
  reason: ListReasonName;
  /** Epoch ms of the earliest observation; null when known only from grouping facts or commands. */
  firstSeenMs: number | null;
  /** Almaty day number of the latest observation (day granularity, never versioned). */
  lastSeenDay: number | null;
  /** Operator ids it was seen on, sorted. */
  operators: string[];
  /** The key is not a 14-digit body (design §2). */
  malformed: boolean;
  deviceId: string;
  /** Almaty date 'YYYY-MM-DD' of the scheduled or effective block; never moves earlier once set. */
  blockDate: string | null;
  /** Epoch ms the entry turned black (automatic reversal compares approvals with it). */
  blockedAtMs: number | null;
  /** Clone suspicion reported by device-grouping and not cleared by verification. */
  cloneSuspected: boolean;
  /** Grows by one per transition; 0 = not stored yet. */
  version: number;
  /** The most recent audit records, oldest first (the full trail lives in the audit collection). */
  recent: AuditRecord[];
}

/** How many audit records an entry keeps inline (replay detection by cause, quick history). */
export const RECENT_AUDIT_RECORDS = 16;

/** The state of an IMEI nobody has seen: the entry decide() starts from. */
export function unknownEntry(imei14: string, malformed: boolean): ListEntry {
  return {
    imei14,
    state: 'grey',
    reason: 'unverified',
    firstSeenMs: null,
    lastSeenDay: null,
    operators: [],
    malformed,
    deviceId: '',
    blockDate: null,
    blockedAtMs: null,
    cloneSuspected: false,
    version: 0,
    recent: [],
  };
}

/** True when `cause` already produced a transition still kept on the entry (a replayed input). */
export function hasApplied(entry: ListEntry, cause: string): boolean {
  return entry.recent.some((record) => record.cause === cause);
}
