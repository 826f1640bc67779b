import { ROOT_CONTEXT } from '@opentelemetry/api';
import { ListReason, ListState, type BlockListEntry, type ListChange, type TopicSpec } from '@imei/contracts';
import type { ConsumedRecord, OutgoingRecord, TopicProducer } from '@imei/kafka';
import type { ProjectedImei } from '../domain/block-list-projection';
import { BlockListProcessor } from './block-list-processor';
import { ProjectionConflictError, type BlockListStore, type ProjectionWrite } from './block-list-store';
import { ProjectionTable } from './projection-table';

const blocked = (imei14: string, listVersion: number): ProjectedImei => ({ imei14, listVersion, blocked: { imei14, imei: imei14, reason: 1, blockedAtMs: 5, listVersion } });

let offset = 0;
function record(imei14: string, version: number, state: ListState): ConsumedRecord<ListChange> {
  const value: ListChange = { imei14, imei: imei14, state, reason: ListReason.LIST_REASON_OFFICER_DECISION, previousState: ListState.LIST_STATE_UNSPECIFIED, blockDate: undefined, deviceId: '', version, changedAt: new Date(7), cause: 'test', actor: 'test' };
  return { topic: 'changes', partition: 0, offset: String(offset++), key: imei14, value, timestamp: 7, traceContext: ROOT_CONTEXT, message: {} as never };
}

/**
 * A processor over an in-memory store whose table was loaded with `loaded`, while a rival member already
 * stored `rival` (the keys it took: imei14 → head).
 */
function processorWith(loaded: ProjectedImei[], rival: ProjectedImei[], compaction = { fence: 0, folded: [] as ProjectedImei[] }) {
  const stored = new Map(loaded.map((p) => [p.imei14, p]));
  const rivals = new Map([...compaction.folded, ...rival].map((p) => [p.imei14, p]));
  const folded = new Map(compaction.folded.map((p) => [p.imei14, p.listVersion]));
  const writes: ProjectionWrite[] = [];
  let fence = 0;
  const baseReads: string[] = [];
  const store = {
    fenceEpoch: async () => fence,
    baseVersions: async (ids: readonly string[]) => {
      baseReads.push(...ids);
      return new Map(ids.map((id) => [id, folded.get(id) ?? stored.get(id)?.listVersion ?? 0]));
    },
    loadAll: async () => {
      // The table is loaded before the compaction (at fence 0); the compaction runs right after.
      const all = new Map(stored);
      fence = compaction.fence;
      return all;
    },
    load: async (ids: readonly string[]) => new Map(ids.flatMap((id) => { const p = rivals.get(id) ?? stored.get(id); return p ? [[id, p] as const] : []; })),
    write: async (batch: readonly ProjectionWrite[]) => {
      // A folded IMEI's links below its base were deleted: their keys are free again.
      const existing = batch.filter((w) => rivals.has(w.next.imei14) && (w.previousVersion ?? 0) < rivals.get(w.next.imei14)!.listVersion && !(folded.has(w.next.imei14) && w.previousVersion !== undefined)).map((w) => w.next.imei14);
      writes.push(...batch.filter((w) => !existing.includes(w.next.imei14)));
      return { existing };
    },
  } as unknown as BlockListStore;
  const sent: OutgoingRecord<BlockListEntry>[] = [];
  const producer = { send: async (_t: unknown, out: OutgoingRecord<BlockListEntry>[]) => void sent.push(...out) } as unknown as TopicProducer;
  const table = new ProjectionTable(store);
  const processor = new BlockListProcessor(store, table, producer, { name: 'block-list' } as TopicSpec<BlockListEntry>);
  return { processor, table, sent, writes, baseReads };
}

describe('BlockListProcessor when a rival member stored first', () => {
  it('a taken link (the head moved): publishes nothing, fails the batch, and the retry decides against the stored head', async () => {
    // The table says a is black at v1; a rival unblocked it at v2 (link a@1 taken). This batch blocks it at v3.
    const { processor, table, sent, writes } = processorWith([blocked('a', 1), blocked('b', 1)], [{ imei14: 'a', listVersion: 2, blocked: null }]);
    const batch = [record('a', 3, ListState.LIST_STATE_BLACK), record('b', 2, ListState.LIST_STATE_WHITE)];
    await expect(processor.process(batch)).rejects.toBeInstanceOf(ProjectionConflictError);
    expect(sent).toEqual([]);
    expect((await table.current()).get('a')).toEqual({ imei14: 'a', listVersion: 2, blocked: null });

    const outcome = await processor.process(batch);
    // a: a new block decided against v2 (blocked-at of v3, not v1's); b: its unblock stored by the first attempt, re-published.
    expect(writes.map((w) => [w.next.imei14, w.previousVersion, w.next.listVersion])).toEqual([['b', 1, 2], ['a', 2, 3]]);
    expect(sent.map((r) => [r.key, r.value?.listVersion ?? null, r.value?.blockedAt?.getTime() ?? null])).toEqual([['a', 3, 7], ['b', null, null]]);
    expect(outcome).toMatchObject({ blocked: 1, republished: 1 });
  });

  it('a taken base (a first projection the table missed): decides again at once and re-publishes what is stored', async () => {
    const { processor, sent } = processorWith([], [blocked('c', 1)]);
    const outcome = await processor.process([record('c', 1, ListState.LIST_STATE_BLACK)]);
    expect(sent.map((r) => [r.key, r.value?.listVersion, r.value?.blockedAt?.getTime()])).toEqual([['c', 1, 5]]);
    expect(outcome).toMatchObject({ republished: 1, reads: 1 });
  });
});

describe('BlockListProcessor after a compaction deleted links under a stale table', () => {
  it('a link stored in the slot of a deleted one (decided against a folded version) publishes nothing, and the retry finds the change stale', async () => {
    // The table knows a at v1 (loaded at fence 0). Since then a rival moved a to v3 and a compaction folded
    // a's base to v3 and deleted a@1 and a@2 (fence 1). This member's unblock of a at v2 finds the key a@1 free.
    const { processor, table, sent, baseReads } = processorWith([blocked('a', 1), blocked('b', 1)], [], { fence: 1, folded: [blocked('a', 3)] });
    const batch = [record('a', 2, ListState.LIST_STATE_WHITE), record('b', 2, ListState.LIST_STATE_WHITE)];
    await expect(processor.process(batch)).rejects.toThrow(/1 IMEI\(s\): a$/);
    expect(sent).toEqual([]);
    expect(baseReads.sort()).toEqual(['a', 'b']);
    expect((await table.current()).get('a')).toEqual(blocked('a', 3));

    const outcome = await processor.process(batch);
    // a: v2 is below the stored v3, stale; b: its unblock (verified against b's base) re-published.
    expect(sent.map((r) => [r.key, r.value?.listVersion ?? null])).toEqual([['b', null]]);
    expect(outcome).toMatchObject({ stale: 1, republished: 1 });
  });

  it('checks a link against the base only while its entry predates the fence', async () => {
    const { processor, sent, baseReads } = processorWith([blocked('b', 1)], [], { fence: 1, folded: [] });
    await processor.process([record('b', 2, ListState.LIST_STATE_WHITE)]);
    expect(baseReads).toEqual(['b']);
    // v2 was stored before this member had read fence 1 (its first read was after that store): checked again.
    await processor.process([record('b', 3, ListState.LIST_STATE_BLACK)]);
    expect(baseReads).toEqual(['b', 'b']);
    // v3 was stored after fence 1 was read: the link out of it needs no base read.
    await processor.process([record('b', 4, ListState.LIST_STATE_WHITE)]);
    expect(baseReads).toEqual(['b', 'b']);
    expect(sent.map((r) => [r.key, r.value?.listVersion ?? null])).toEqual([['b', null], ['b', 3], ['b', null]]);
  });
});
