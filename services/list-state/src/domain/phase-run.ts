import type { ListEntry } from './list-entry';
import { almatyDateOf, computedBlockDate, inCohort, type ListPolicy } from './list-policy';

/**
 * Pure rules of the daily phase run (issue 6): which grey entries get a block date scheduled, which are
 * candidates for a block, and which phase a command names. The scheduler adapter does the I/O.
 */

/** What a run reads of each grey entry while collecting. */
export type RunEntry = Pick<ListEntry, 'imei14' | 'state' | 'reason' | 'firstSeenMs' | 'operators' | 'blockDate' | 'malformed'>;

/** One run per Almaty day: a crash or a second tick the same day resumes it. */
export function runIdOf(today: string): string {
  return `run-${today}`;
}

/** The phase that takes an entry today, as `computedBlockDate` decides: steady state first, then the first started cohort. */
export function phaseIdOf(policy: ListPolicy, entry: Pick<RunEntry, 'imei14' | 'firstSeenMs' | 'operators'>, today: string): string {
  if (entry.firstSeenMs !== null && almatyDateOf(entry.firstSeenMs) >= policy.steadyStateFrom) return 'steady-state';
  for (const phase of policy.phases) if (phase.startDate <= today && inCohort(phase.cohort, entry)) return phase.id;
  return 'steady-state';
}

/** Runs start with the first phase; before it there is nothing to schedule or block. */
export function runsFrom(policy: ListPolicy): string {
  return policy.phases[0]?.startDate ?? policy.steadyStateFrom;
}

/** What the run does with one entry it reads. */
export type RunAction = { kind: 'schedule'; blockDate: string; phaseId: string } | { kind: 'candidate' } | { kind: 'none' };

/**
 * Grey entries without a block date that a started phase (or the steady state) now covers get one
 * scheduled; grey entries whose block date has come are candidates for the re-check and a block.
 * Conflicts are never scheduled nor blocked automatically.
 */
export function runAction(policy: ListPolicy, entry: RunEntry, today: string): RunAction {
  if (entry.state !== 'grey' || entry.reason === 'conflict') return { kind: 'none' };
  if (entry.blockDate === null) {
    const blockDate = computedBlockDate(policy, entry, today);
    return blockDate === null ? { kind: 'none' } : { kind: 'schedule', blockDate, phaseId: phaseIdOf(policy, entry, today) };
  }
  return entry.blockDate <= today ? { kind: 'candidate' } : { kind: 'none' };
}
