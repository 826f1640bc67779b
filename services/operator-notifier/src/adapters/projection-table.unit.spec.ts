import type { ProjectedImei } from '../domain/block-list-projection';
import type { BlockListStore } from './block-list-store';
import { ProjectionTable } from './projection-table';

const entry = (imei14: string, listVersion: number): ProjectedImei => ({ imei14, listVersion, blocked: null });

/** A store whose loads answer from `loads` in turn (an Error rejects). */
function storeAnswering(...loads: Array<Map<string, ProjectedImei> | Error>): { store: BlockListStore; calls: () => number } {
  let calls = 0;
  const store = { fenceEpoch: async () => 0, loadAll: async () => {
    const next = loads[Math.min(calls++, loads.length - 1)]!;
    if (next instanceof Error) throw next;
    return new Map(next);
  } } as unknown as BlockListStore;
  return { store, calls: () => calls };
}

describe('ProjectionTable', () => {
  it('loads once, then answers from memory with what this member stored', async () => {
    const { store, calls } = storeAnswering(new Map([['a', entry('a', 1)]]));
    const table = new ProjectionTable(store);
    expect((await table.current()).get('a')).toEqual(entry('a', 1));
    table.remember([entry('a', 2), entry('b', 1)], 0);
    const current = await table.current();
    expect([current.get('a'), current.get('b')]).toEqual([entry('a', 2), entry('b', 1)]);
    expect(calls()).toBe(1);
  });

  it('loads again after a reset (rebalance) and after a failed load (store outage)', async () => {
    const { store, calls } = storeAnswering(new Error('store down'), new Map([['a', entry('a', 1)]]), new Map([['a', entry('a', 5)]]));
    const table = new ProjectionTable(store);
    await expect(table.current()).rejects.toThrow('store down');
    expect((await table.current()).get('a')).toEqual(entry('a', 1));
    table.reset();
    expect((await table.current()).get('a')).toEqual(entry('a', 5));
    expect(calls()).toBe(3);
  });
});
