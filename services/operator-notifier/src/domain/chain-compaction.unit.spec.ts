import type { BlockListRecord, ProjectedImei } from './block-list-projection';
import { planFold, type TimedLink } from './chain-compaction';
import { headOf } from './projection-chain';

const record = (imei14: string, listVersion: number): BlockListRecord => ({ imei14, imei: `${imei14}0`, reason: 1, blockedAtMs: 1000 * listVersion, listVersion });
const base = (listVersion: number, blocked = true): ProjectedImei => ({ imei14: 'a', listVersion, blocked: blocked ? record('a', listVersion) : null });
const link = (previousVersion: number, listVersion: number, blocked: boolean, storedAtMs?: number): TimedLink => ({ imei14: 'a', previousVersion, listVersion, blocked: blocked ? record('a', listVersion) : null, storedAtMs });

describe('planFold', () => {
  const chain = [link(1, 2, false, 100), link(2, 3, true, 200), link(3, 5, false, 300)];

  it('moves the base to the last state reached at or before the cut-off and deletes the links below it', () => {
    expect(planFold(base(1), chain, 250)).toEqual({ fromVersion: 1, base: { imei14: 'a', listVersion: 3, blocked: record('a', 3) }, deleteIds: ['a@1', 'a@2'] });
    expect(planFold(base(1), chain, 300)).toEqual({ fromVersion: 1, base: { imei14: 'a', listVersion: 5, blocked: null }, deleteIds: ['a@1', 'a@2', 'a@3'] });
  });

  it('keeps the head: the folded base and the links left lead to the same state as before', () => {
    for (const cutoff of [0, 100, 150, 250, 300, 1000]) {
      const plan = planFold(base(1), chain, cutoff);
      const left = chain.filter((l) => !plan?.deleteIds.includes(`a@${l.previousVersion}`));
      expect(headOf(plan?.base ?? base(1), new Map(left.map((l) => [l.previousVersion, l])))).toEqual(headOf(base(1), new Map(chain.map((l) => [l.previousVersion, l]))));
    }
  });

  it('does nothing while every link is newer than the cut-off', () => {
    expect(planFold(base(1), chain, 99)).toBeUndefined();
    expect(planFold(base(1), [], 1000)).toBeUndefined();
  });

  it('treats links without a storage time as old', () => {
    expect(planFold(base(1), [link(1, 2, false)], 0)?.base.listVersion).toBe(2);
  });

  it('deletes links below the base that are off the path (a stale insert below an earlier fold), and only those', () => {
    // The base was folded to 5 earlier; a stale member then inserted a@3 (3 → 4); a@5 is recent.
    const plan = planFold(base(5, false), [link(3, 4, true, 10), link(5, 6, true, 900)], 500);
    expect(plan).toEqual({ fromVersion: 5, base: base(5, false), deleteIds: ['a@3'] });
  });
});
