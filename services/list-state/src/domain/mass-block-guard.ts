import type { GuardVerdict } from './list-input';
import type { MassBlockGuardLimits } from './list-policy';

/**
 * The mass-block guard (design §4): an automatic block run (or burst) that would block more than
 * `maxCount` IMEIs, or more than `maxShareOfGrey` of the grey IMEIs, is refused and needs an officer's
 * override with a reason. Pure.
 */
export function guardVerdict(limits: MassBlockGuardLimits, blocks: number, greyImeis: number): GuardVerdict {
  if (blocks > limits.maxCount) return { kind: 'refused', why: `${blocks} blocks exceed the limit of ${limits.maxCount}` };
  const share = greyImeis > 0 ? blocks / greyImeis : blocks > 0 ? 1 : 0;
  if (share > limits.maxShareOfGrey) {
    return { kind: 'refused', why: `${blocks} blocks are ${(share * 100).toFixed(2)}% of ${greyImeis} grey IMEIs, above ${(limits.maxShareOfGrey * 100).toFixed(2)}%` };
  }
  return { kind: 'passed' };
}

/**
 * The guard over bursts of automatic blocks that do not come as runs (clone suspicions): blocks admitted
 * within the last `burstWindowMs` add up. Pure apart from its own counters; time is passed in.
 */
export class BurstGuard {
  private admitted: Array<{ at: number; count: number }> = [];

  constructor(private readonly limits: MassBlockGuardLimits) {}

  /** The verdict on `blocks` more automatic blocks at `now`; admitted blocks count towards later bursts. */
  admit(now: number, blocks: number, greyImeis: number): GuardVerdict {
    this.admitted = this.admitted.filter((a) => a.at > now - this.limits.burstWindowMs);
    const inWindow = this.admitted.reduce((sum, a) => sum + a.count, 0);
    const verdict = guardVerdict(this.limits, inWindow + blocks, greyImeis);
    if (verdict.kind === 'passed' && blocks > 0) this.admitted.push({ at: now, count: blocks });
    return verdict;
  }
}
