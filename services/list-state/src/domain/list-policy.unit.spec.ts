import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { computedBlockDate, inCohort, isBeforeCutoff, parseListPolicy, PolicyError } from './list-policy';
import { at, IMEI, policy } from './list-entry.test-helper';

describe('list policy', () => {
  it('parses the shipped default policy with its documented defaults', () => {
    const shipped = parseListPolicy(JSON.parse(readFileSync(join(__dirname, '../../config/list-policy.json'), 'utf8')));
    expect(shipped.graceDays).toBe(30);
    expect(shipped.phases.map((p) => p.id)).toEqual(['phase-1', 'phase-2', 'phase-3']);
    expect(shipped.phases[0]!.startDate).toBe('2025-07-26');
    expect(shipped.phases[0]!.blockDate).toBe('2025-08-18');
    expect(shipped.guard.maxCount).toBe(100_000);
  });

  it('fills defaults: grace 30 days, steady state from the last phase start, clones block grey only', () => {
    const p = parseListPolicy({ cutoffDate: '2025-03-01', phases: [{ id: 'a', startDate: '2025-07-26', blockDate: '2025-08-18' }] });
    expect(p).toMatchObject({ graceDays: 30, minNoticeDays: 1, steadyStateFrom: '2025-07-26', grandfatherMalformed: false, cloneBlocksStates: ['grey'] });
    expect(p.guard).toEqual({ maxShareOfGrey: 0.05, maxCount: 100_000, burstWindowMs: 3_600_000 });
  });

  it.each([
    [{ phases: [] }, 'cutoffDate'],
    [{ cutoffDate: '2025-02-30', phases: [] }, 'cutoffDate="2025-02-30"'],
    [{ cutoffDate: '2025-03-01' }, 'phases'],
    [{ cutoffDate: '2025-03-01', phases: [{ id: 'A B', startDate: '2025-07-26', blockDate: '2025-08-18' }] }, 'phases[0].id'],
    [{ cutoffDate: '2025-03-01', phases: [{ id: 'a', startDate: '2025-07-26', blockDate: '2025-07-01' }] }, 'phases[0].blockDate'],
    [{ cutoffDate: '2025-03-01', phases: [{ id: 'a', startDate: '2025-07-26', blockDate: '2025-08-18', cohort: { tacPrefixes: ['35x'] } }] }, 'phases[0].cohort.tacPrefixes'],
    [{ cutoffDate: '2025-03-01', phases: [], graceDays: -1 }, 'graceDays=-1'],
    [{ cutoffDate: '2025-03-01', phases: [], timeZone: 'UTC' }, 'timeZone'],
    [{ cutoffDate: '2025-03-01', phases: [], guard: { maxShareOfGrey: 2 } }, 'guard.maxShareOfGrey=2'],
  ])('refuses %j naming the field', (raw, field) => {
    expect(() => parseListPolicy(raw)).toThrow(PolicyError);
    expect(() => parseListPolicy(raw)).toThrow(field);
  });

  it('compares first seen with the cutoff in Almaty dates', () => {
    // 2025-02-28 23:30 in Almaty is still before the cutoff although UTC says 18:30 that day.
    expect(isBeforeCutoff(policy, at('2025-02-28', 23.5))).toBe(true);
    expect(isBeforeCutoff(policy, at('2025-03-01', 0))).toBe(false);
  });

  it('matches cohorts by first-seen range, TAC prefix and operator', () => {
    const entry = { imei14: IMEI, firstSeenMs: at('2025-04-10'), operators: ['kcell'] };
    expect(inCohort({ firstSeenBefore: '2025-05-01' }, entry)).toBe(true);
    expect(inCohort({ firstSeenFrom: '2025-04-11' }, entry)).toBe(false);
    expect(inCohort({ tacPrefixes: ['3569'] }, entry)).toBe(true);
    expect(inCohort({ tacPrefixes: ['86'] }, entry)).toBe(false);
    expect(inCohort({ operators: ['beeline'] }, entry)).toBe(false);
    expect(inCohort({ tacPrefixes: ['3569'] }, { ...entry, imei14: 'ABCDEF' })).toBe(false);
    expect(inCohort({ firstSeenBefore: '2025-05-01' }, { ...entry, firstSeenMs: null })).toBe(false);
    expect(inCohort({}, entry)).toBe(true);
  });

  it('computes block dates: started phase cohort, steady state first seen + grace, minimum notice, none before the phase', () => {
    const cohortMember = { imei14: IMEI, firstSeenMs: at('2025-04-10'), operators: ['beeline'] };
    expect(computedBlockDate(policy, cohortMember, '2025-07-25')).toBeNull();
    expect(computedBlockDate(policy, cohortMember, '2025-07-26')).toBe('2025-08-18');
    expect(computedBlockDate(policy, cohortMember, '2025-08-20')).toBe('2025-08-21');
    const steady = { imei14: IMEI, firstSeenMs: at('2025-10-01'), operators: ['beeline'] };
    expect(computedBlockDate(policy, steady, '2025-10-02')).toBe('2025-10-31');
    const backdated = { imei14: IMEI, firstSeenMs: at('2025-09-20'), operators: [] };
    expect(computedBlockDate(policy, backdated, '2025-11-01')).toBe('2025-11-02');
  });
});
