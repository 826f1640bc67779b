import { BurstGuard, guardVerdict } from './mass-block-guard';

const limits = { maxShareOfGrey: 0.1, maxCount: 100, burstWindowMs: 60_000 };

describe('mass-block guard', () => {
  it('passes a run within both limits', () => {
    expect(guardVerdict(limits, 10, 1000)).toEqual({ kind: 'passed' });
    expect(guardVerdict(limits, 0, 0)).toEqual({ kind: 'passed' });
  });

  it('refuses above the count limit and says why', () => {
    const verdict = guardVerdict(limits, 101, 1_000_000);
    expect(verdict).toMatchObject({ kind: 'refused' });
    expect(verdict.kind === 'refused' && verdict.why).toContain('limit of 100');
  });

  it('refuses above the share of grey IMEIs', () => {
    const verdict = guardVerdict(limits, 11, 100);
    expect(verdict.kind === 'refused' && verdict.why).toContain('11.00% of 100 grey IMEIs');
    expect(guardVerdict(limits, 1, 0).kind).toBe('refused');
  });

  it('adds bursts up within the window and forgets them after it', () => {
    const guard = new BurstGuard(limits);
    expect(guard.admit(0, 60, 10_000).kind).toBe('passed');
    expect(guard.admit(1000, 41, 10_000).kind).toBe('refused');
    expect(guard.admit(2000, 40, 10_000).kind).toBe('passed');
    expect(guard.admit(61_000, 1, 10_000).kind).toBe('passed');
    expect(guard.admit(63_000, 59, 10_000).kind).toBe('passed');
  });
});
