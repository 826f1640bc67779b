import { addDays, almatyDayNumber, dateOfDayNumber, dayNumberOfDate, tacOf } from '@imei/imei-rules';
import type { ListEntry, ListStateName } from './list-entry';

/** Which grey IMEIs a phase takes. Every given rule must hold; an empty cohort takes every grey IMEI. */
export interface PhaseCohort {
  /** First seen on or after this Almaty date. */
  firstSeenFrom?: string;
  /** First seen before this Almaty date. */
  firstSeenBefore?: string;
  /** TAC starts with one of these digit prefixes. */
  tacPrefixes?: string[];
  /** Seen on at least one of these operators. */
  operators?: string[];
}

export interface Phase {
  id: string;
  /** Almaty date the phase starts: its cohort's block dates are computed from then on. */
  startDate: string;
  /** Almaty date its cohort is blocked (disconnections) unless verified before. */
  blockDate: string;
  cohort: PhaseCohort;
}

/** The grey → black policy (see config/list-policy.json for the documented default). */
export interface ListPolicy {
  /** First seen before this Almaty date → white, grandfathered. */
  cutoffDate: string;
  /** Steady state: block date = first seen + graceDays. Default 30. */
  graceDays: number;
  /** A block date is never computed closer than this many days from today. Default 1. */
  minNoticeDays: number;
  /** IMEIs first seen on or after this date get the steady-state block date. Default: last phase start. */
  steadyStateFrom: string;
  /** Ordered by start date. */
  phases: Phase[];
  /** Malformed keys (hex, short, '*#'): grandfathered like others? Default false. */
  grandfatherMalformed: boolean;
  /** States of an entry that a clone suspicion blocks automatically (guarded). Default ['grey']. */
  cloneBlocksStates: ListStateName[];
  guard: MassBlockGuardLimits;
}

/** Mass-block guard limits (design §4): an automatic block run or burst above either refuses. */
export interface MassBlockGuardLimits {
  /** Largest share of the grey IMEIs one run or burst may block. Default 0.05. */
  maxShareOfGrey: number;
  /** Largest number of IMEIs one run or burst may block. Default 100000. */
  maxCount: number;
  /** Window over which automatic clone/malformed blocks add up to a burst (ms). Default 3600000. */
  burstWindowMs: number;
}

export class PolicyError extends Error {
  constructor(field: string, value: unknown, expected: string) {
    super(`list policy: ${field}=${JSON.stringify(value)} is invalid: expected ${expected}`);
    this.name = 'PolicyError';
  }
}

function date(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new PolicyError(field, value, 'an Almaty date YYYY-MM-DD');
  try {
    dayNumberOfDate(value);
  } catch {
    throw new PolicyError(field, value, 'an Almaty date YYYY-MM-DD');
  }
  return value;
}

function optionalDate(field: string, value: unknown): string | undefined {
  return value === undefined ? undefined : date(field, value);
}

function number(field: string, value: unknown, fallback: number, min: number, max: number, integer = true): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new PolicyError(field, value, `${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function strings(field: string, value: unknown, pattern: RegExp): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !pattern.test(v))) {
    throw new PolicyError(field, value, `an array of strings matching ${pattern}`);
  }
  return value as string[];
}

function parseCohort(field: string, raw: unknown): PhaseCohort {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null) throw new PolicyError(field, raw, 'an object');
  const c = raw as Record<string, unknown>;
  const cohort: PhaseCohort = {};
  const from = optionalDate(`${field}.firstSeenFrom`, c.firstSeenFrom);
  const before = optionalDate(`${field}.firstSeenBefore`, c.firstSeenBefore);
  const tacPrefixes = strings(`${field}.tacPrefixes`, c.tacPrefixes, /^\d{1,8}$/);
  const operators = strings(`${field}.operators`, c.operators, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  if (from !== undefined) cohort.firstSeenFrom = from;
  if (before !== undefined) cohort.firstSeenBefore = before;
  if (tacPrefixes !== undefined) cohort.tacPrefixes = tacPrefixes;
  if (operators !== undefined) cohort.operators = operators;
  return cohort;
}

/**
 * Validates a policy document (the JSON of config/list-policy.json) and fills in defaults.
 * @throws PolicyError naming the field and value.
 */
export function parseListPolicy(raw: unknown): ListPolicy {
  if (typeof raw !== 'object' || raw === null) throw new PolicyError('(policy)', raw, 'an object');
  const p = raw as Record<string, unknown>;
  if (p.timeZone !== undefined && p.timeZone !== 'Asia/Almaty') throw new PolicyError('timeZone', p.timeZone, '"Asia/Almaty"');
  const cutoffDate = date('cutoffDate', p.cutoffDate);
  if (!Array.isArray(p.phases)) throw new PolicyError('phases', p.phases, 'an array');
  const ids = new Set<string>();
  const phases = p.phases.map((rawPhase: unknown, i): Phase => {
    const field = `phases[${i}]`;
    if (typeof rawPhase !== 'object' || rawPhase === null) throw new PolicyError(field, rawPhase, 'an object');
    const ph = rawPhase as Record<string, unknown>;
    if (typeof ph.id !== 'string' || !/^[a-z0-9-]{1,40}$/.test(ph.id) || ids.has(ph.id)) {
      throw new PolicyError(`${field}.id`, ph.id, 'a unique slug of up to 40 characters');
    }
    ids.add(ph.id);
    const startDate = date(`${field}.startDate`, ph.startDate);
    const blockDate = date(`${field}.blockDate`, ph.blockDate);
    if (blockDate < startDate) throw new PolicyError(`${field}.blockDate`, blockDate, `a date on or after startDate ${startDate}`);
    return { id: ph.id, startDate, blockDate, cohort: parseCohort(`${field}.cohort`, ph.cohort) };
  });
  phases.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0));
  const lastStart = phases.length > 0 ? phases[phases.length - 1]!.startDate : cutoffDate;
  const cloneBlocksStates = strings('cloneBlocksStates', p.cloneBlocksStates, /^(white|grey)$/) as ListStateName[] | undefined;
  const g = (p.guard ?? {}) as Record<string, unknown>;
  if (typeof g !== 'object' || g === null) throw new PolicyError('guard', p.guard, 'an object');
  if (p.grandfatherMalformed !== undefined && typeof p.grandfatherMalformed !== 'boolean') {
    throw new PolicyError('grandfatherMalformed', p.grandfatherMalformed, 'true or false');
  }
  return {
    cutoffDate,
    graceDays: number('graceDays', p.graceDays, 30, 0, 3650),
    minNoticeDays: number('minNoticeDays', p.minNoticeDays, 1, 0, 365),
    steadyStateFrom: optionalDate('steadyStateFrom', p.steadyStateFrom) ?? lastStart,
    phases,
    grandfatherMalformed: (p.grandfatherMalformed as boolean | undefined) ?? false,
    cloneBlocksStates: cloneBlocksStates ?? ['grey'],
    guard: {
      maxShareOfGrey: number('guard.maxShareOfGrey', g.maxShareOfGrey, 0.05, 0, 1, false),
      maxCount: number('guard.maxCount', g.maxCount, 100_000, 0, 1e9),
      burstWindowMs: number('guard.burstWindowMs', g.burstWindowMs, 3_600_000, 1000, 7 * 86_400_000),
    },
  };
}

/** Almaty date of an instant. */
export function almatyDateOf(epochMs: number): string {
  return dateOfDayNumber(almatyDayNumber(epochMs));
}

/** First seen before the cutoff date (Almaty) → grandfathered. */
export function isBeforeCutoff(policy: ListPolicy, firstSeenMs: number): boolean {
  return almatyDateOf(firstSeenMs) < policy.cutoffDate;
}

/** Whether an entry falls in a phase's cohort (first seen range, TAC prefix, operator). */
export function inCohort(cohort: PhaseCohort, entry: Pick<ListEntry, 'imei14' | 'firstSeenMs' | 'operators'>): boolean {
  if (cohort.firstSeenFrom !== undefined || cohort.firstSeenBefore !== undefined) {
    if (entry.firstSeenMs === null) return false;
    const seen = almatyDateOf(entry.firstSeenMs);
    if (cohort.firstSeenFrom !== undefined && seen < cohort.firstSeenFrom) return false;
    if (cohort.firstSeenBefore !== undefined && seen >= cohort.firstSeenBefore) return false;
  }
  if (cohort.tacPrefixes !== undefined) {
    const tac = tacOf(entry.imei14);
    if (tac === undefined || !cohort.tacPrefixes.some((prefix) => tac.startsWith(prefix))) return false;
  }
  if (cohort.operators !== undefined && !entry.operators.some((op) => cohort.operators!.includes(op))) return false;
  return true;
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}

/**
 * The block date a grey entry gets today, or null when none applies yet: the first started phase whose
 * cohort holds it gives its block date; an IMEI first seen in steady state gets first seen + grace days.
 * Never closer than `minNoticeDays` from today. The caller keeps a stored date that is earlier (a block
 * date never moves earlier) — see `decide`.
 */
export function computedBlockDate(policy: ListPolicy, entry: Pick<ListEntry, 'imei14' | 'firstSeenMs' | 'operators'>, today: string): string | null {
  const earliest = addDays(today, policy.minNoticeDays);
  if (entry.firstSeenMs !== null && almatyDateOf(entry.firstSeenMs) >= policy.steadyStateFrom) {
    return later(addDays(almatyDateOf(entry.firstSeenMs), policy.graceDays), earliest);
  }
  for (const phase of policy.phases) {
    if (phase.startDate <= today && inCohort(phase.cohort, entry)) return later(phase.blockDate, earliest);
  }
  return null;
}
