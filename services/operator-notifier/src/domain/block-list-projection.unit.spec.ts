import { decideBlockList, type ListChangeFacts, type ProjectedImei } from './block-list-projection';

const imei14 = '35693803564380';
const change = (version: number, state: ListChangeFacts['state'], changedAtMs = version * 1000): ListChangeFacts => ({
  imei14, imei: '356938035643809', state, reason: state === 'black' ? 13 : 1, version, changedAtMs, cause: `t/0/${version}`,
});
const blockedAt = (version: number, blockedAtMs: number): ProjectedImei => ({
  imei14, listVersion: version, blocked: { imei14, imei: '356938035643809', reason: 13, blockedAtMs, listVersion: version },
});

describe('decideBlockList', () => {
  it('publishes a record when an IMEI turns black', () => {
    const d = decideBlockList(undefined, [change(1, 'grey'), change(2, 'black')]);
    expect(d).toMatchObject({ kind: 'block', record: { imei14, listVersion: 2, blockedAtMs: 2000, reason: 13 }, cause: 't/0/2' });
  });

  it('drops changes of an IMEI that was never blocked', () => {
    expect(decideBlockList(undefined, [change(1, 'grey'), change(2, 'white')])).toEqual({ kind: 'not-listed' });
  });

  it('publishes a tombstone when a blocked IMEI leaves the black list', () => {
    expect(decideBlockList(blockedAt(2, 2000), [change(3, 'white')])).toMatchObject({ kind: 'unblock', next: { listVersion: 3, blocked: null } });
  });

  it('ignores a replayed or duplicate older black change after an unblock (no resurrection)', () => {
    const unblocked: ProjectedImei = { imei14, listVersion: 3, blocked: null };
    expect(decideBlockList(unblocked, [change(2, 'black')])).toEqual({ kind: 'stale' });
    expect(decideBlockList(unblocked, [change(1, 'black'), change(2, 'black')])).toEqual({ kind: 'stale' });
  });

  it('re-publishes the stored state when the newest change of a run is the applied version (redelivery)', () => {
    const unblocked: ProjectedImei = { imei14, listVersion: 3, blocked: null };
    expect(decideBlockList(unblocked, [change(3, 'white')])).toEqual({ kind: 'replay', current: unblocked });
    expect(decideBlockList(blockedAt(2, 2000), [change(1, 'grey'), { ...change(2, 'black'), reason: 11 }])).toEqual({ kind: 'replay', current: blockedAt(2, 2000) });
  });

  it('ignores an older unblock after a newer block (no reordering)', () => {
    expect(decideBlockList(blockedAt(4, 4000), [change(3, 'white')])).toEqual({ kind: 'stale' });
  });

  it('remembers the version of a black change that came and went within one batch', () => {
    const d = decideBlockList(undefined, [change(1, 'black'), change(2, 'white')]);
    expect(d).toEqual({ kind: 'remember', next: { imei14, listVersion: 2, blocked: null } });
    expect(decideBlockList((d as { next: ProjectedImei }).next, [change(1, 'black')])).toEqual({ kind: 'stale' });
  });

  it('keeps the original blocked-at time while an IMEI stays black and takes the new reason and version', () => {
    const d = decideBlockList(blockedAt(2, 2000), [{ ...change(3, 'black'), reason: 11 }]);
    expect(d).toMatchObject({ kind: 'block', record: { blockedAtMs: 2000, listVersion: 3, reason: 11 } });
  });

  it('collapses a batch to its final state and skips versions out of order within it', () => {
    const d = decideBlockList(blockedAt(2, 2000), [change(4, 'white'), change(3, 'black'), change(5, 'black')]);
    expect(d).toMatchObject({ kind: 'block', record: { listVersion: 5, blockedAtMs: 5000 } });
  });

  it('remembers a newer non-black version of a known IMEI without publishing', () => {
    expect(decideBlockList({ imei14, listVersion: 3, blocked: null }, [change(4, 'grey')])).toEqual({ kind: 'remember', next: { imei14, listVersion: 4, blocked: null } });
  });
});
