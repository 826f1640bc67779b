import { ROOT_CONTEXT } from '@opentelemetry/api';
import { ListReason, ListState, type BlockListEntry, type ListChange, type TopicSpec } from '@imei/contracts';
import type { ConsumedRecord, OutgoingRecord, TopicProducer } from '@imei/kafka';
import { testStore } from '@imei/testing';
import type { BlockListRecord, ProjectedImei } from '../domain/block-list-projection';
import { BlockListCompactor } from './block-list-compactor';
import { BlockListProcessor } from './block-list-processor';
import { BlockListStore, ProjectionConflictError } from './block-list-store';
import { ProjectionTable } from './projection-table';

const HOUR = 3_600_000;
/** History starts 100 hours ago: links the processor stores now (its clock) are newer than any cut-off below. */
const T0 = Date.now() - 100 * HOUR;
const record = (imei14: string, listVersion: number): BlockListRecord => ({ imei14, imei: `${imei14}0`, reason: 3, blockedAtMs: T0 + listVersion, listVersion });
const state = (imei14: string, listVersion: number, blocked: boolean): ProjectedImei => ({ imei14, listVersion, blocked: blocked ? record(imei14, listVersion) : null });

let offset = 0;
function change(imei14: string, version: number, listState: ListState): ConsumedRecord<ListChange> {
  const value: ListChange = { imei14, imei: `${imei14}0`, state: listState, reason: ListReason.LIST_REASON_OFFICER_DECISION, previousState: ListState.LIST_STATE_UNSPECIFIED, blockDate: undefined, deviceId: '', version, changedAt: new Date(T0), cause: 'test', actor: 'test' };
  return { topic: 'changes', partition: 0, offset: String(offset++), key: imei14, value, timestamp: T0, traceContext: ROOT_CONTEXT, message: {} as never };
}

/** Stores `changes` versions of an IMEI: base v1 black, then alternating white/black links, stored at `atMs`. */
async function history(projection: BlockListStore, imei14: string, changes: number, atMs: number): Promise<void> {
  await projection.write([{ next: state(imei14, 1, true), previousVersion: undefined }], atMs);
  for (let v = 2; v <= changes; v++) await projection.write([{ next: state(imei14, v, v % 2 === 1), previousVersion: v - 1 }], atMs);
}

jest.setTimeout(120_000);

describe('BlockListCompactor on FerretDB: folds old links into the base behind the compaction fence', () => {
  let store: Awaited<ReturnType<typeof testStore>>;
  let projection: BlockListStore;
  beforeEach(async () => {
    store = await testStore('notifier_compaction');
    projection = new BlockListStore(store.db);
  });
  afterEach(async () => {
    await store.drop();
  });

  it('a restart load and reads by id after compaction equal those before; links newer than the horizon stay', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `c${String(i).padStart(3, '0')}`);
    for (const [i, id] of ids.entries()) await history(projection, id, 1 + (i % 5), T0);
    // Two recent changes on top of c004's old history (1..5): versions 6 and 7, stored an hour ago.
    await projection.write([{ next: state('c004', 6, false), previousVersion: 5 }], T0 + 47 * HOUR);
    await projection.write([{ next: state('c004', 7, true), previousVersion: 6 }], T0 + 47 * HOUR);
    const before = await projection.loadAll();
    const linksBefore = await projection.links.countDocuments();
    expect(linksBefore).toBe(12 * (0 + 1 + 2 + 3 + 4) + 2);

    const outcome = await new BlockListCompactor(projection, { horizonMs: 24 * HOUR, maxImeis: 1000 }).run(T0 + 48 * HOUR);
    expect(outcome).toEqual({ folded: 48, deleted: 120, skipped: 0, remaining: 0 });
    expect(await projection.fenceEpoch()).toBe(1);
    expect(await projection.loadAll()).toEqual(before);
    expect(await projection.load(ids)).toEqual(before);
    expect(await projection.blocks(['c004', 'c003'])).toEqual(new Map([['c004', record('c004', 7)], ['c003', null]]));
    // Left: c004's two recent links (out of 5 and 6); every other IMEI is its base alone.
    expect((await projection.links.find({}).toArray()).map((l) => l._id).sort()).toEqual(['c004@5', 'c004@6']);
    expect(await projection.collection.findOne({ _id: 'c004' })).toEqual({ _id: 'c004', listVersion: 5, blocked: record('c004', 5) });

    // Nothing more is due: a second run changes nothing and does not raise the fence.
    expect(await new BlockListCompactor(projection, { horizonMs: 24 * HOUR, maxImeis: 1000 }).run(T0 + 48 * HOUR)).toEqual({ folded: 0, deleted: 0, skipped: 0, remaining: 0 });
    expect(await projection.fenceEpoch()).toBe(1);
  });

  it('a bounded run folds at most maxImeis IMEIs and leaves the rest to the next run', async () => {
    for (const id of ['m1', 'm2', 'm3']) await history(projection, id, 3, T0);
    const compactor = new BlockListCompactor(projection, { horizonMs: HOUR, maxImeis: 2 });
    expect(await compactor.run(T0 + 2 * HOUR)).toMatchObject({ folded: 2, remaining: 1 });
    expect(await compactor.run(T0 + 2 * HOUR)).toMatchObject({ folded: 1, remaining: 0 });
    expect(await projection.links.countDocuments()).toBe(0);
    expect(await projection.load(['m1', 'm2', 'm3'])).toEqual(new Map(['m1', 'm2', 'm3'].map((id) => [id, state(id, 3, true)])));
  });

  it('a stale member inserting a link out of a folded version resurrects nothing: not loaded, not published, deleted by the next run', async () => {
    await history(projection, 's1', 1, T0);
    await history(projection, 'k1', 1, T0);
    // The stale member's table: s1 and k1 black at v1, loaded before anything else happened.
    const stale = new ProjectionTable(projection);
    await stale.current();
    const sent: OutgoingRecord<BlockListEntry>[] = [];
    const producer = { send: async (_t: unknown, out: OutgoingRecord<BlockListEntry>[]) => void sent.push(...out) } as unknown as TopicProducer;
    const staleProcessor = new BlockListProcessor(projection, stale, producer, { name: 'block-list' } as TopicSpec<BlockListEntry>);
    // The new owner: s1 white at v2, black again at v3; then the compaction folds s1 to v3 and deletes s1@1, s1@2.
    await projection.write([{ next: state('s1', 2, false), previousVersion: 1 }], T0);
    await projection.write([{ next: state('s1', 3, true), previousVersion: 2 }], T0);
    expect(await new BlockListCompactor(projection, { horizonMs: HOUR, maxImeis: 10 }).run(T0 + 2 * HOUR)).toMatchObject({ folded: 1, deleted: 2 });

    // The stale member still decides against v1: s1@1 is free again and its insert succeeds, but the fence
    // read after it is above the one its table was loaded at, and s1's base (v3) is above v1.
    await expect(staleProcessor.process([change('s1', 2, ListState.LIST_STATE_WHITE), change('k1', 2, ListState.LIST_STATE_WHITE)])).rejects.toBeInstanceOf(ProjectionConflictError);
    expect(sent).toEqual([]);
    expect(await projection.links.findOne({ _id: 's1@1' })).toMatchObject({ listVersion: 2, blocked: null });
    const expected = new Map([['k1', state('k1', 2, false)], ['s1', state('s1', 3, true)]]);
    expect(await projection.load(['k1', 's1'])).toEqual(expected);
    expect(await projection.loadAll()).toEqual(expected);
    // Its retry: the table now holds s1 at v3, so v2 is stale; k1's unblock (stored, on the chain) goes out.
    await staleProcessor.process([change('s1', 2, ListState.LIST_STATE_WHITE), change('k1', 2, ListState.LIST_STATE_WHITE)]);
    expect(sent.map((r) => [r.key, r.value?.listVersion ?? null])).toEqual([['k1', null]]);

    // Within the horizon the stray link stays; once it is older, a run deletes it (below s1's base) and folds k1.
    expect(await new BlockListCompactor(projection, { horizonMs: HOUR, maxImeis: 10 }).run(Date.now())).toMatchObject({ folded: 0, deleted: 0 });
    expect(await new BlockListCompactor(projection, { horizonMs: HOUR, maxImeis: 10 }).run(Date.now() + 2 * HOUR)).toMatchObject({ folded: 2, deleted: 2 });
    expect(await projection.links.countDocuments()).toBe(0);
    expect(await projection.collection.findOne({ _id: 's1' })).toEqual({ _id: 's1', listVersion: 3, blocked: record('s1', 3) });
    expect(await projection.loadAll()).toEqual(expected);
  });

  it('loads by id and full loads running while a compaction folds see the heads, never a base whose links were deleted', async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `r${i}`);
    for (const id of ids) await history(projection, id, 6, T0);
    const expected = await projection.loadAll();
    let done = false;
    const compaction = new BlockListCompactor(projection, { horizonMs: HOUR, maxImeis: 1000, concurrency: 1 }).run(T0 + 2 * HOUR).finally(() => (done = true));
    const loads: Map<string, ProjectedImei>[] = [];
    while (!done) loads.push(await projection.load(ids, 4), await projection.loadAll());
    expect((await compaction).deleted).toBe(500);
    for (const load of loads) expect(load).toEqual(expected);
  });

  it('a read by id whose walk a run overtakes (old base read, links deleted before the walk) walks again from the moved base', async () => {
    const ids = ['w1', 'w2', 'w3'];
    for (const id of ids) await history(projection, id, 4, T0);
    const expected = await projection.load(ids);
    const compactor = new BlockListCompactor(projection, { horizonMs: HOUR, maxImeis: 10 });
    // The whole run happens between the read of the bases and the first link read of this walk.
    const findOne = projection.links.findOne.bind(projection.links);
    let overtaken = false;
    jest.spyOn(projection.links, 'findOne').mockImplementation((async (...args: Parameters<typeof findOne>) => {
      if (!overtaken) {
        overtaken = true;
        expect(await compactor.run(T0 + 2 * HOUR)).toMatchObject({ folded: 3, deleted: 9 });
      }
      return findOne(...args);
    }) as never);
    expect(await projection.load(ids)).toEqual(expected);
    expect(overtaken).toBe(true);
  });
});
