import { addDays } from '@imei/imei-rules';
import { decideGrouping, guardNote } from './decide-grouping';
import { decideObservation } from './decide-observation';
import { hasApplied, type ListEntry } from './list-entry';
import type { ListEvent } from './list-events';
import { phaseBlockReason, type ListInput } from './list-input';
import { almatyDateOf, type ListPolicy } from './list-policy';
import { describe, refused, transition } from './list-transition';

/**
 * The list entry's decision for one input (pure; `now` is epoch ms from the caller's clock). Returns at
 * most one `listed` transition, plus a `seen` for observations or a `refused` saying why nothing
 * changed. An input whose cause already produced a kept transition is a replay and changes nothing.
 */
export function decide(input: ListInput, entry: ListEntry, now: number, policy: ListPolicy): ListEvent[] {
  if (entry.version > 0 && hasApplied(entry, input.cause)) return [refused(input, 'already applied (replay)')];
  const today = almatyDateOf(now);
  switch (input.kind) {
    case 'observation':
      return decideObservation(input, entry, now, policy);
    case 'grouping':
      return decideGrouping(input, entry, now, policy);
    case 'officer-block':
      if (input.reasonText.trim() === '') return [refused(input, 'an officer block needs a reason')];
      if (entry.state === 'black' && entry.reason === 'officer-decision') return [refused(input, `already ${describe(entry)}`)];
      return [transition(entry, input, now, { to: 'black', reason: 'officer-decision', blockDate: today, blockedAtMs: now }, input.reasonText)];
    case 'officer-unblock':
      if (input.reasonText.trim() === '') return [refused(input, 'an officer unblock needs a reason')];
      if (entry.state !== 'black') return [refused(input, `not blocked: ${entry.version === 0 ? 'unknown' : describe(entry)}`)];
      return [transition(entry, input, now, { to: 'white', reason: 'officer-unblock', blockDate: null, blockedAtMs: null }, input.reasonText)];
    case 'phase-schedule': {
      if (entry.version === 0) return [refused(input, 'unknown IMEI')];
      if (entry.state !== 'grey') return [refused(input, `not grey: ${describe(entry)}`)];
      if (entry.reason === 'conflict') return [refused(input, 'grey (conflict) awaits resolution')];
      if (entry.blockDate !== null) return [refused(input, `block date already ${entry.blockDate} (never moves earlier)`)];
      const earliest = addDays(today, policy.minNoticeDays);
      const blockDate = input.blockDate > earliest ? input.blockDate : earliest;
      return [transition(entry, input, now, { to: 'grey', reason: entry.reason, blockDate }, `phase ${input.phaseId} schedules the block on ${blockDate}`)];
    }
    case 'phase-block':
      if (input.guard.kind === 'refused') return [refused(input, `mass-block guard refused the run: ${input.guard.why}`)];
      if (entry.version === 0) return [refused(input, 'unknown IMEI')];
      if (entry.state !== 'grey') return [refused(input, `not grey: ${describe(entry)}`)];
      if (entry.reason === 'conflict') return [refused(input, 'grey (conflict) awaits resolution')];
      if (entry.blockDate === null) return [refused(input, 'no block date scheduled')];
      if (entry.blockDate > today) return [refused(input, `not due until ${entry.blockDate}`)];
      return [
        transition(
          entry,
          input,
          now,
          { to: 'black', reason: phaseBlockReason(entry.malformed), blockedAtMs: now },
          `phase ${input.phaseId}, run ${input.runId}${guardNote(input.guard)}`,
        ),
      ];
    default: {
      const unknown: never = input;
      throw new Error(`unhandled list input ${JSON.stringify(unknown)}`);
    }
  }
}
