import { at, policy } from './list-entry.test-helper';
import { phaseIdOf, runAction, runIdOf, runsFrom, type RunEntry } from './phase-run';

const grey: RunEntry = { imei14: '35693803564380', state: 'grey', reason: 'unverified', firstSeenMs: at('2025-04-10'), operators: ['kcell'], blockDate: null, malformed: false };

describe('phase run rules', () => {
  it('one run per Almaty day, from the first phase on', () => {
    expect(runIdOf('2025-08-18')).toBe('run-2025-08-18');
    expect(runsFrom(policy)).toBe('2025-07-26');
  });

  it('schedules an unscheduled grey entry once a started phase covers it, with that phase', () => {
    expect(runAction(policy, grey, '2025-07-25')).toEqual({ kind: 'none' });
    expect(runAction(policy, grey, '2025-07-26')).toEqual({ kind: 'schedule', blockDate: '2025-08-18', phaseId: 'phase-1' });
    // Minimum notice: a phase reached late never schedules a block for today.
    expect(runAction(policy, grey, '2025-08-20')).toEqual({ kind: 'schedule', blockDate: '2025-08-21', phaseId: 'phase-1' });
  });

  it('a grey entry whose block date has come is a candidate; not before', () => {
    expect(runAction(policy, { ...grey, blockDate: '2025-08-18' }, '2025-08-17')).toEqual({ kind: 'none' });
    expect(runAction(policy, { ...grey, blockDate: '2025-08-18' }, '2025-08-18')).toEqual({ kind: 'candidate' });
    expect(runAction(policy, { ...grey, blockDate: '2025-08-18' }, '2025-09-01')).toEqual({ kind: 'candidate' });
  });

  it('never schedules nor blocks white, black or conflict entries', () => {
    for (const entry of [{ ...grey, state: 'white' as const, reason: 'registered' as const }, { ...grey, state: 'black' as const, reason: 'officer-decision' as const, blockDate: '2025-08-01' }, { ...grey, reason: 'conflict' as const, blockDate: '2025-08-01' }]) {
      expect(runAction(policy, entry, '2025-08-18')).toEqual({ kind: 'none' });
    }
  });

  it('names the cohort phase, or the steady state', () => {
    expect(phaseIdOf(policy, grey, '2025-08-18')).toBe('phase-1');
    expect(phaseIdOf(policy, { ...grey, firstSeenMs: at('2025-09-20') }, '2025-10-20')).toBe('steady-state');
  });
});
