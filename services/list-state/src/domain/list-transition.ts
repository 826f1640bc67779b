import type { ListEntry } from './list-entry';
import type { ListedEvent, ListEvent } from './list-events';

/** Fields a transition may change; the others are carried over from the entry. */
export type TransitionChanges = Pick<ListedEvent, 'to' | 'reason'> & Partial<Pick<ListedEvent, 'blockDate' | 'blockedAtMs' | 'deviceId' | 'cloneSuspected'>>;

/** A `listed` event: the entry's current fields overlaid with `changes`, stamped with cause, actor and time. */
export function transition(entry: ListEntry, input: { cause: string; actor: string }, now: number, changes: TransitionChanges, note: string): ListedEvent {
  return {
    type: 'listed',
    blockDate: entry.blockDate,
    blockedAtMs: entry.blockedAtMs,
    deviceId: entry.deviceId,
    cloneSuspected: entry.cloneSuspected,
    ...changes,
    cause: input.cause,
    actor: input.actor,
    at: now,
    note,
  };
}

/** A `refused` event: the input changes nothing, and why. */
export function refused(input: { cause: string }, why: string): ListEvent {
  return { type: 'refused', cause: input.cause, why };
}

/** A readable label of an entry's list and reason, for notes and refusals. */
export function describe(entry: Pick<ListEntry, 'state' | 'reason'>): string {
  return `${entry.state} (${entry.reason})`;
}
