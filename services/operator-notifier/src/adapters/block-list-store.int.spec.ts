import { testStore } from '@imei/testing';
import type { BlockListRecord, ProjectedImei } from '../domain/block-list-projection';
import { BlockListStore } from './block-list-store';

const record = (imei14: string, listVersion: number): BlockListRecord => ({ imei14, imei: `${imei14}0`, reason: 3, blockedAtMs: 1_700_000_000_000 + listVersion, listVersion });
const state = (imei14: string, listVersion: number, blocked: boolean): ProjectedImei => ({ imei14, listVersion, blocked: blocked ? record(imei14, listVersion) : null });

describe('BlockListStore on FerretDB: every write an insert, the key the version guard', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let projection: BlockListStore;
  beforeAll(async () => {
    store = await testStore('notifier_store');
    projection = new BlockListStore(store.db);
  });
  afterAll(async () => {
    await store.drop();
  });

  it('stores bases and changes in one call and reads back the head by id and by a full load', async () => {
    expect(await projection.write([
      { next: state('a1', 1, true), previousVersion: undefined },
      { next: state('b1', 2, true), previousVersion: undefined },
    ])).toEqual({ existing: [] });
    expect(await projection.write([
      { next: state('a1', 2, false), previousVersion: 1 },
      { next: state('b1', 5, true), previousVersion: 2 },
      { next: state('c1', 1, false), previousVersion: undefined },
    ])).toEqual({ existing: [] });
    expect(await projection.write([{ next: state('a1', 4, true), previousVersion: 2 }])).toEqual({ existing: [] });
    const expected = new Map([['a1', state('a1', 4, true)], ['b1', state('b1', 5, true)], ['c1', state('c1', 1, false)]]);
    expect(await projection.load(['a1', 'b1', 'c1', 'never'])).toEqual(expected);
    expect(await projection.loadAll()).toEqual(expected);
    expect(await projection.blocks(['a1', 'c1'])).toEqual(new Map([['a1', record('a1', 4)], ['c1', null]]));
    expect(await projection.blockedCount()).toBe(2);
  });

  it('rejects a stale member: a change decided against a version that is no longer the head, or a second first version', async () => {
    await projection.write([{ next: state('s1', 1, true), previousVersion: undefined }, { next: state('s2', 1, true), previousVersion: undefined }]);
    // The new owner of the partition unblocks s1 at version 2, then blocks it again at 3; s2 goes 1 → 3 in one run.
    await projection.write([{ next: state('s1', 2, false), previousVersion: 1 }, { next: state('s2', 3, false), previousVersion: 1 }]);
    await projection.write([{ next: state('s1', 3, true), previousVersion: 2 }]);
    // The old owner, its table still at version 1 (s1, s2) and 2 (s1), and a member that never saw s1 or s2.
    const stale = await projection.write([
      { next: state('s1', 2, false), previousVersion: 1 },
      { next: state('s2', 2, false), previousVersion: 1 },
      { next: state('s1', 4, false), previousVersion: 2 },
      { next: state('s1', 1, true), previousVersion: undefined },
      { next: state('s3', 1, true), previousVersion: undefined },
    ]);
    expect(stale.existing.sort()).toEqual(['s1', 's1', 's1', 's2']);
    // Nothing was overwritten: the heads are the new owner's; only the fresh IMEI s3 was stored.
    expect(await projection.load(['s1', 's2', 's3'])).toEqual(new Map([['s1', state('s1', 3, true)], ['s2', state('s2', 3, false)], ['s3', state('s3', 1, true)]]));
    expect((await projection.loadAll()).get('s1')).toEqual(state('s1', 3, true));
  });
});
