import type { AutomaticBlockReason } from './list-entry';

/** A fact device-grouping published about one IMEI (topic imei.grouping-status.v1). */
export type GroupingFactName =
  | 'registered'
  | 'sibling-pending'
  | 'sibling-confirmed'
  | 'unblocked-with-documents'
  | 'conflict'
  | 'conflict-resolved'
  | 'clone-suspected'
  | 'grandfathered-device';

/** What the mass-block guard said about an automatic block (evaluated outside the entry). */
export type GuardVerdict = { kind: 'passed' } | { kind: 'overridden'; officer: string; reason: string } | { kind: 'refused'; why: string };

interface InputBase {
  /** Id of the input: `topic/partition/offset` or the command id (replays carry the same). */
  cause: string;
  actor: string;
}

/** Everything that can happen to an entry; `decide` answers each one. */
export type ListInput =
  | (InputBase & {
      kind: 'observation';
      seenAtMs: number;
      operatorId: string;
      malformed: boolean;
    })
  | (InputBase & {
      kind: 'grouping';
      fact: GroupingFactName;
      deviceId: string;
      applicationId: string;
      /** When the application was approved (epoch ms), null when the fact carries none. */
      approvedAtMs: number | null;
      detail: string;
      /** Only for clone suspicion: the guard's verdict on blocking it. */
      guard?: GuardVerdict;
    })
  | (InputBase & { kind: 'officer-block'; reasonText: string })
  | (InputBase & { kind: 'officer-unblock'; reasonText: string })
  | (InputBase & { kind: 'phase-schedule'; phaseId: string; blockDate: string })
  | (InputBase & {
      kind: 'phase-block';
      phaseId: string;
      runId: string;
      /** The run passed the guard (or an officer overrode it); a refused run sends no block commands. */
      guard: GuardVerdict;
    });

export type ListInputKind = ListInput['kind'];

/** Automatic block reasons of the phase path for an entry. */
export function phaseBlockReason(malformed: boolean): AutomaticBlockReason {
  return malformed ? 'malformed' : 'grace-expired';
}
