import { startOfAlmatyDay } from '@imei/imei-rules';
import { decide } from './decide-list-entry';
import { evolveAll } from './evolve-list-entry';
import { unknownEntry, type ListEntry } from './list-entry';
import type { ListEvent } from './list-events';
import type { GuardVerdict, ListInput } from './list-input';
import { parseListPolicy } from './list-policy';

/** A test policy: cutoff 2025-03-01, two phases, steady state from 2025-09-15, grace 30 days. */
export const policy = parseListPolicy({
  cutoffDate: '2025-03-01',
  phases: [
    { id: 'phase-1', startDate: '2025-07-26', blockDate: '2025-08-18', cohort: { firstSeenBefore: '2025-05-01' } },
    { id: 'phase-2', startDate: '2025-08-18', blockDate: '2025-09-15', cohort: { tacPrefixes: ['3569'], operators: ['kcell'] } },
  ],
  steadyStateFrom: '2025-09-15',
  guard: { maxShareOfGrey: 0.1, maxCount: 100 },
});

/** Epoch ms of an Almaty date at `hour` o'clock local time. */
export function at(date: string, hour = 12): number {
  return startOfAlmatyDay(date) + hour * 3_600_000;
}

export const IMEI = '35693803564380';
let counter = 0;
const nextCause = (): string => `cause-${++counter}`;

export const passed: GuardVerdict = { kind: 'passed' };

export const input = {
  observation: (seenAt: string | number, operatorId = 'kcell', malformed = false): ListInput => ({
    kind: 'observation', cause: nextCause(), actor: 'network', seenAtMs: typeof seenAt === 'number' ? seenAt : at(seenAt), operatorId, malformed,
  }),
  grouping: (fact: Extract<ListInput, { kind: 'grouping' }>['fact'], options: { deviceId?: string; approvedAt?: number | null; guard?: GuardVerdict; applicationId?: string } = {}): ListInput => ({
    kind: 'grouping', cause: nextCause(), actor: 'service:device-grouping', fact, deviceId: options.deviceId ?? 'dev-1',
    applicationId: options.applicationId ?? 'app-1', approvedAtMs: options.approvedAt ?? null, detail: '', guard: options.guard,
  }),
  officerBlock: (reasonText = 'stolen, police report 42'): ListInput => ({ kind: 'officer-block', cause: nextCause(), actor: 'officer:demo', reasonText }),
  officerUnblock: (reasonText = 'report withdrawn'): ListInput => ({ kind: 'officer-unblock', cause: nextCause(), actor: 'officer:demo', reasonText }),
  phaseSchedule: (blockDate: string, phaseId = 'phase-1'): ListInput => ({ kind: 'phase-schedule', cause: nextCause(), actor: `scheduler:${phaseId}`, phaseId, blockDate }),
  phaseBlock: (guard: GuardVerdict = passed, phaseId = 'phase-1'): ListInput => ({ kind: 'phase-block', cause: nextCause(), actor: `scheduler:${phaseId}`, phaseId, runId: 'run-1', guard }),
};

/** Decides and evolves one input at `now`: the events and the entry after them. */
export function step(entry: ListEntry, listInput: ListInput, now: number | string): { events: ListEvent[]; entry: ListEntry } {
  const nowMs = typeof now === 'number' ? now : at(now);
  const events = decide(listInput, entry, nowMs, policy);
  return { events, entry: evolveAll(entry, events) };
}

/** Applies inputs in order, each at its own `now`. */
export function given(...steps: Array<[ListInput, number | string]>): ListEntry {
  let entry = unknownEntry(IMEI, false);
  for (const [listInput, now] of steps) entry = step(entry, listInput, now).entry;
  return entry;
}

/** The `refused` reason of a single-refusal result, or undefined. */
export function refusal(events: ListEvent[]): string | undefined {
  const r = events.find((e) => e.type === 'refused');
  return r?.type === 'refused' ? r.why : undefined;
}
