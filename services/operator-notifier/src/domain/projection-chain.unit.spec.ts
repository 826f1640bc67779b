import type { BlockListRecord, ProjectedImei } from './block-list-projection';
import { headOf, LinkIndex, linkIdOf, type ProjectionLink } from './projection-chain';

const record = (imei14: string, listVersion: number): BlockListRecord => ({ imei14, imei: `${imei14}0`, reason: 1, blockedAtMs: 1000 * listVersion, listVersion });
const base = (imei14: string, listVersion: number, blocked = true): ProjectedImei => ({ imei14, listVersion, blocked: blocked ? record(imei14, listVersion) : null });
const link = (imei14: string, previousVersion: number, listVersion: number, blocked: boolean): ProjectionLink => ({ imei14, previousVersion, listVersion, blocked: blocked ? record(imei14, listVersion) : null });
const byPrevious = (...links: ProjectionLink[]) => new Map(links.map((l) => [l.previousVersion, l]));

describe('projection chain', () => {
  it('keys a link by the IMEI and the version it replaced, distinct for every pair', () => {
    expect(linkIdOf('35000000000001', 3)).toBe('35000000000001@3');
    expect(linkIdOf('A@1', 2)).not.toBe(linkIdOf('A', 12));
  });

  it('follows the links out of each version reached, from the base to the head', () => {
    expect(headOf(base('a', 1), byPrevious())).toEqual(base('a', 1));
    expect(headOf(base('a', 1), byPrevious(link('a', 1, 3, false)))).toEqual({ imei14: 'a', listVersion: 3, blocked: null });
    expect(headOf(base('a', 1), byPrevious(link('a', 3, 4, true), link('a', 1, 3, false)))).toEqual({ imei14: 'a', listVersion: 4, blocked: record('a', 4) });
  });

  it('ignores links off the path and links that would not move the version forward', () => {
    // Out of version 2, which the chain never reached (1 → 3).
    expect(headOf(base('a', 1), byPrevious(link('a', 1, 3, false), link('a', 2, 5, true))).listVersion).toBe(3);
    expect(headOf(base('a', 4), byPrevious(link('a', 4, 4, false))).listVersion).toBe(4);
  });

  it('resolves every base of a table load to its head; links of IMEIs without a base change nothing', () => {
    const index = new LinkIndex();
    for (const l of [link('b', 2, 3, false), link('a', 1, 2, false), link('a', 2, 5, true), link('z', 1, 2, true)]) index.add(l);
    const bases = new Map([['a', base('a', 1)], ['b', base('b', 2)], ['c', base('c', 7, false)]]);
    const heads = index.resolve(bases);
    expect([...heads.values()]).toEqual([
      { imei14: 'a', listVersion: 5, blocked: record('a', 5) },
      { imei14: 'b', listVersion: 3, blocked: null },
      base('c', 7, false),
    ]);
  });
});
