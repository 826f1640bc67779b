import type { ListReasonName, ListStateName } from './list-entry';

/**
 * What `decide` concludes about an entry. `seen` is not versioned and not published (last seen, first
 * seen moving earlier without a state change, operators seen on); `listed` is a transition: version + 1,
 * an audit record and a ListChange; `refused` records why an input changed nothing (for runs and logs).
 */
export type ListEvent =
  | { type: 'seen'; seenAtMs: number; day: number; operatorId: string }
  | {
      type: 'listed';
      to: ListStateName;
      reason: ListReasonName;
      blockDate: string | null;
      /** Set when the block takes effect (epoch ms), cleared when the entry leaves black. */
      blockedAtMs: number | null;
      deviceId: string;
      cloneSuspected: boolean;
      cause: string;
      actor: string;
      at: number;
      note: string;
    }
  | { type: 'refused'; cause: string; why: string };

export type ListedEvent = Extract<ListEvent, { type: 'listed' }>;
