/**
 * The national block list as a projection of list-state's changes: which IMEIs are blocked now, and
 * what the block-list topic must say about each. Pure: the caller passes the stored projection and the
 * changes in topic order; no I/O, no clock.
 */

export type ListStateName = 'white' | 'grey' | 'black' | 'unspecified';

/** The facts of one ListChange that the block list depends on. */
export interface ListChangeFacts {
  imei14: string;
  /** Canonical 15-digit form, or the raw key when malformed. */
  imei: string;
  state: ListStateName;
  /** Proto ListReason code, carried through unchanged. */
  reason: number;
  /** Entry version in list-state: grows by one per change of this IMEI. */
  version: number;
  changedAtMs: number;
  /** Id of the input that caused the change (topic/partition/offset). */
  cause: string;
}

/** One blocked IMEI as operators see it. */
export interface BlockListRecord {
  imei14: string;
  imei: string;
  reason: number;
  /** When the IMEI entered the black list (kept while it stays black). */
  blockedAtMs: number;
  /** list-state version that produced this record. */
  listVersion: number;
}

/** What the notifier remembers per IMEI: the last list version applied and the record, if blocked. */
export interface ProjectedImei {
  imei14: string;
  listVersion: number;
  blocked: BlockListRecord | null;
}

/** What to do about one IMEI after a run of its changes. */
export type BlockListDecision =
  /** Every change was below the applied version: an old replay or duplicate, no effect. */
  | { kind: 'stale' }
  /**
   * The newest change is the applied version: the input of the stored effect again (a redelivery after a
   * crash or failed publish, or a duplicate). Re-publish the stored state at that version (design §4):
   * its record when blocked, a tombstone otherwise; harmless when it was already published.
   */
  | { kind: 'replay'; current: ProjectedImei }
  /** Never blocked and still not blocked: nothing to remember or publish. */
  | { kind: 'not-listed' }
  /** A newer version that leaves the block list as it is (not blocked before or after). */
  | { kind: 'remember'; next: ProjectedImei }
  /** Blocked after the changes: publish the record. */
  | { kind: 'block'; next: ProjectedImei; record: BlockListRecord; cause: string }
  /** Left the black list: publish a tombstone. */
  | { kind: 'unblock'; next: ProjectedImei; cause: string };

/**
 * Applies `changes` (one IMEI, topic order) to `current`. A change whose version is not above the
 * version already applied is skipped, so a replayed or duplicated older black change never reorders or
 * resurrects an entry; a run whose newest change is the applied version re-publishes the stored state. Several changes of one batch collapse into one decision: operators of a
 * compacted list need the final state, not every intermediate one.
 *
 * Without a stored projection, a change that is not black is dropped ('not-listed'): per-key order on
 * the list-changes topic means any earlier black version of that IMEI would already have been applied
 * and stored, so a missing projection means the IMEI was never blocked.
 */
export function decideBlockList(current: ProjectedImei | undefined, changes: readonly ListChangeFacts[]): BlockListDecision {
  let state: ProjectedImei | undefined = current;
  let cause = '';
  let newest = 0;
  for (const change of changes) {
    newest = Math.max(newest, change.version);
    if (state && change.version <= state.listVersion) continue;
    cause = change.cause;
    if (change.state === 'black') {
      const blockedAtMs = state?.blocked?.blockedAtMs ?? change.changedAtMs;
      const record: BlockListRecord = { imei14: change.imei14, imei: change.imei, reason: change.reason, blockedAtMs, listVersion: change.version };
      state = { imei14: change.imei14, listVersion: change.version, blocked: record };
    } else if (state) {
      state = { imei14: change.imei14, listVersion: change.version, blocked: null };
    }
  }
  if (state === undefined) return { kind: 'not-listed' };
  if (state === current) return newest === current!.listVersion ? { kind: 'replay', current: current! } : { kind: 'stale' };
  if (state.blocked) return { kind: 'block', next: state, record: state.blocked, cause };
  if (current?.blocked) return { kind: 'unblock', next: state, cause };
  // Also when a black change came and went within this run: its version is remembered, so a later
  // duplicate of that black change is recognised as stale.
  return { kind: 'remember', next: state };
}
