import type { ListEntry, WhiteReason } from './list-entry';
import type { ListEvent } from './list-events';
import type { GuardVerdict, ListInput } from './list-input';
import { almatyDateOf, type ListPolicy } from './list-policy';
import { describe, refused, transition } from './list-transition';

type Grouping = Extract<ListInput, { kind: 'grouping' }>;

const verifiedReason = {
  registered: 'registered',
  'sibling-confirmed': 'sibling-confirmed',
  'unblocked-with-documents': 'unblocked-with-documents',
} as const satisfies Record<string, WhiteReason>;

/** Automatic blocks an application approved before the block reverses (design §4). */
function isAutomaticBlock(entry: ListEntry): boolean {
  return entry.state === 'black' && entry.reason !== 'officer-decision';
}

export function guardNote(guard: GuardVerdict): string {
  return guard.kind === 'overridden' ? `; mass-block guard overridden by ${guard.officer}: ${guard.reason}` : '';
}

/**
 * Registration, sibling confirmation and unblock with documents make the entry white. From black: an
 * unblock with documents always does; a registration or confirmation does for a grace or malformed
 * block, and for any automatic block when its application was approved before the block took effect
 * (automatic reversal, audited as such); an officer's block needs documents.
 */
function verify(input: Grouping & { fact: keyof typeof verifiedReason }, entry: ListEntry, now: number): ListEvent[] {
  const reason = verifiedReason[input.fact];
  const deviceId = input.deviceId || entry.deviceId;
  if (entry.version > 0 && entry.state === 'white' && entry.reason === reason && entry.deviceId === deviceId) {
    return [refused(input, `already ${describe(entry)} on device ${deviceId}`)];
  }
  const cloneSuspected = input.fact === 'unblocked-with-documents' ? false : entry.cloneSuspected;
  const changes = { to: 'white', reason, deviceId, blockDate: null, blockedAtMs: null, cloneSuspected } as const;
  const application = input.applicationId ? `application ${input.applicationId}` : 'verification';
  if (entry.state !== 'black') return [transition(entry, input, now, changes, `${application} (${input.fact})`)];

  const predates = input.approvedAtMs !== null && entry.blockedAtMs !== null && input.approvedAtMs < entry.blockedAtMs;
  if (predates && isAutomaticBlock(entry)) {
    const note = `automatic reversal: ${application} approved ${new Date(input.approvedAtMs!).toISOString()}, before the block took effect ${new Date(entry.blockedAtMs!).toISOString()}`;
    return [transition(entry, input, now, changes, note)];
  }
  if (input.fact === 'unblocked-with-documents' || entry.reason === 'grace-expired' || entry.reason === 'malformed') {
    return [transition(entry, input, now, changes, `${application} (${input.fact}) lifts the ${entry.reason} block`)];
  }
  return [refused(input, `${describe(entry)}: leaving it needs an unblock with documents`)];
}

/** Clone suspicion: a guarded automatic block of the states the policy names; otherwise a flag. */
function cloneSuspected(input: Grouping, entry: ListEntry, now: number, policy: ListPolicy): ListEvent[] {
  if (entry.state === 'black') return [refused(input, `already ${describe(entry)}`)];
  const detail = input.detail ? `: ${input.detail}` : '';
  if (!policy.cloneBlocksStates.includes(entry.state)) {
    if (entry.cloneSuspected) return [refused(input, 'clone suspicion already recorded')];
    return [transition(entry, input, now, { to: entry.state, reason: entry.reason, cloneSuspected: true }, `clone suspected${detail}; ${entry.state} entries are not blocked automatically (policy)`)];
  }
  const guard = input.guard ?? { kind: 'refused', why: 'no mass-block guard verdict' };
  if (guard.kind === 'refused') {
    if (entry.cloneSuspected) return [refused(input, `clone block refused by the mass-block guard: ${guard.why}`)];
    const note = `clone suspected${detail}; automatic block refused by the mass-block guard: ${guard.why}`;
    return [transition(entry, input, now, { to: entry.state, reason: entry.reason, cloneSuspected: true }, note)];
  }
  const changes = { to: 'black', reason: 'cloned', blockDate: almatyDateOf(now), blockedAtMs: now, cloneSuspected: true } as const;
  return [transition(entry, input, now, changes, `clone suspected${detail}${guardNote(guard)}`)];
}

/**
 * A grouping fact from device-grouping. Pending sibling → grey pending (never downgrading white, never
 * touching black); conflict → grey conflict (spared from automatic blocks until resolved); conflict
 * resolved → white registered on the winning device; clone suspected → per policy through the guard.
 */
export function decideGrouping(input: Grouping, entry: ListEntry, now: number, policy: ListPolicy): ListEvent[] {
  switch (input.fact) {
    case 'registered':
    case 'sibling-confirmed':
    case 'unblocked-with-documents':
      return verify({ ...input, fact: input.fact }, entry, now);
    case 'sibling-pending':
      if (entry.version > 0 && entry.state === 'white') return [refused(input, `a pending sibling never downgrades ${describe(entry)}`)];
      if (entry.state === 'black') return [refused(input, `${describe(entry)}: leaving black needs verification`)];
      if (entry.version > 0 && entry.reason === 'conflict') return [refused(input, 'grey (conflict) awaits resolution')];
      if (entry.version > 0 && entry.reason === 'pending-sibling' && entry.deviceId === input.deviceId) return [refused(input, 'already pending on this device')];
      return [transition(entry, input, now, { to: 'grey', reason: 'pending-sibling', deviceId: input.deviceId }, `second IMEI of device ${input.deviceId} pending confirmation`)];
    case 'conflict':
      if (entry.state === 'black') return [refused(input, `${describe(entry)}: a conflict does not lift a block`)];
      if (entry.version > 0 && entry.reason === 'conflict') return [refused(input, 'conflict already recorded')];
      return [transition(entry, input, now, { to: 'grey', reason: 'conflict' }, `claimed by device ${input.deviceId}${input.detail ? `: ${input.detail}` : ''}`)];
    case 'conflict-resolved':
      if (entry.reason !== 'conflict' || entry.version === 0) return [refused(input, `no conflict to resolve (${describe(entry)})`)];
      if (input.deviceId === '') return [transition(entry, input, now, { to: 'grey', reason: 'unverified', deviceId: '' }, 'conflict resolved with no device')];
      return [transition(entry, input, now, { to: 'white', reason: 'registered', deviceId: input.deviceId, blockDate: null }, `conflict resolved in favour of device ${input.deviceId}`)];
    case 'clone-suspected':
      return cloneSuspected(input, entry, now, policy);
    case 'grandfathered-device':
      // Informational (the entry is already white): it names the implicit device, which the
      // statistics in devices count. It never changes a list.
      if (entry.version === 0 || entry.state !== 'white') return [refused(input, `grandfathered device ${input.deviceId} for ${entry.version === 0 ? 'an unknown IMEI' : describe(entry)}: informational only`)];
      if (entry.deviceId !== '') return [refused(input, `already on device ${entry.deviceId}`)];
      return [transition(entry, input, now, { to: 'white', reason: entry.reason, deviceId: input.deviceId }, `part of the grandfathered device ${input.deviceId}`)];
    default: {
      const unknown: never = input.fact;
      throw new Error(`unhandled grouping fact ${String(unknown)}`);
    }
  }
}


