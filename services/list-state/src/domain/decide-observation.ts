import { almatyDayNumber } from '@imei/imei-rules';
import type { ListEntry } from './list-entry';
import type { ListEvent } from './list-events';
import type { ListInput } from './list-input';
import { almatyDateOf, computedBlockDate, isBeforeCutoff, type ListPolicy } from './list-policy';
import { transition } from './list-transition';

type Observation = Extract<ListInput, { kind: 'observation' }>;

/** Entries a first seen before the cutoff turns white: unverified or pending grey, and automatic grace blocks. */
function grandfatherable(entry: ListEntry): boolean {
  if (entry.state === 'grey') return entry.reason !== 'conflict';
  return entry.state === 'black' && (entry.reason === 'grace-expired' || entry.reason === 'malformed');
}

/**
 * An observation of the IMEI on a network. Unknown → grey unverified (with its block date when a phase
 * or the steady state already applies), or white grandfathered when first seen before the cutoff.
 * Known → last seen / operators / an earlier first seen are recorded without a version; a first seen
 * moving before the cutoff (late back-fill) grandfathers the entry (grey → white, audited), including
 * an automatic grace-expiry block. Malformed keys are never grandfathered unless the policy says so,
 * and never blocked from here: only the guarded phase path blocks them. A bad check digit changes
 * nothing (design §4: networks send 0).
 */
export function decideObservation(input: Observation, entry: ListEntry, now: number, policy: ListPolicy): ListEvent[] {
  const day = almatyDayNumber(input.seenAtMs);
  const seen: ListEvent = { type: 'seen', seenAtMs: input.seenAtMs, day, operatorId: input.operatorId };
  const movesFirstSeen = entry.firstSeenMs === null || input.seenAtMs < entry.firstSeenMs;
  const newDay = entry.lastSeenDay === null || day > entry.lastSeenDay;
  const newOperator = input.operatorId !== '' && !entry.operators.includes(input.operatorId);
  const events: ListEvent[] = movesFirstSeen || newDay || newOperator ? [seen] : [];
  if (!movesFirstSeen) return events;

  const malformed = entry.malformed || input.malformed;
  const beforeCutoff = isBeforeCutoff(policy, input.seenAtMs) && (!malformed || policy.grandfatherMalformed);
  const firstDate = almatyDateOf(input.seenAtMs);
  const operators = newOperator ? [...entry.operators, input.operatorId] : entry.operators;
  const today = almatyDateOf(now);

  if (entry.version === 0) {
    if (beforeCutoff) {
      events.push(transition(entry, input, now, { to: 'white', reason: 'grandfathered' }, `first seen ${firstDate}, before the cutoff ${policy.cutoffDate}`));
    } else {
      const blockDate = computedBlockDate(policy, { imei14: entry.imei14, firstSeenMs: input.seenAtMs, operators }, today);
      const note = `first seen ${firstDate}${malformed ? ', malformed IMEI' : ''}${blockDate ? `; block date ${blockDate}` : ''}`;
      events.push(transition(entry, input, now, { to: 'grey', reason: 'unverified', blockDate }, note));
    }
    return events;
  }

  if (beforeCutoff && grandfatherable(entry)) {
    const what = entry.firstSeenMs === null ? `first observation on ${firstDate}` : `late back-filled observation moves first seen to ${firstDate}`;
    const reversal = entry.state === 'black' ? '; automatic block reversed' : '';
    events.push(
      transition(entry, input, now, { to: 'white', reason: 'grandfathered', blockDate: null, blockedAtMs: null }, `${what}, before the cutoff ${policy.cutoffDate}${reversal}`),
    );
  } else if (entry.state === 'grey' && entry.reason !== 'conflict' && entry.blockDate === null) {
    const blockDate = computedBlockDate(policy, { imei14: entry.imei14, firstSeenMs: input.seenAtMs, operators }, today);
    if (blockDate !== null) {
      events.push(transition(entry, input, now, { to: 'grey', reason: entry.reason, blockDate }, `first seen ${firstDate}; block date ${blockDate}`));
    }
  }
  return events;
}
