import { ListReason, ListState, type ListChange } from '@imei/contracts';
import { canonicalImei } from '@imei/imei-rules';
import { digestOf, startNotifierHarness, type NotifierHarness } from '../notifier-harness.test-helper';

const { BLACK, GREY, WHITE } = { BLACK: ListState.LIST_STATE_BLACK, GREY: ListState.LIST_STATE_GREY, WHITE: ListState.LIST_STATE_WHITE };

let seq = 0;
/** A fresh well-formed imei14 per call (unique per test process). */
function imei(): string {
  seq += 1;
  return `35${String(process.pid % 1000).padStart(3, '0')}${String(Date.now() % 1e5).padStart(5, '0')}${String(seq).padStart(4, '0')}`.slice(0, 14);
}

describe('block-list projection over the real broker and FerretDB', () => {
  let h: NotifierHarness;
  beforeAll(async () => {
    h = await startNotifierHarness();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('publishes a record when an IMEI turns black and a tombstone when it leaves', async () => {
    const a = imei();
    await h.publish([h.listChange(a, 1, GREY), h.listChange(a, 2, BLACK, { reason: ListReason.LIST_REASON_GRACE_EXPIRED })]);
    await h.caughtUp();
    let list = await h.blockList();
    expect(list.decoded(a)).toMatchObject({ imei14: a, imei: canonicalImei(a), reason: ListReason.LIST_REASON_GRACE_EXPIRED, listVersion: 2 });
    expect(list.decoded(a)!.blockedAt).toBeInstanceOf(Date);

    await h.publish([h.listChange(a, 3, WHITE, { reason: ListReason.LIST_REASON_UNBLOCKED_WITH_DOCUMENTS })]);
    await h.caughtUp();
    list = await h.blockList();
    expect(list.entries.has(a)).toBe(false);
  });

  it('keeps the raw key of a malformed IMEI as its display form', async () => {
    const raw = `A1B2${Date.now().toString(36).toUpperCase()}`;
    await h.publish([h.listChange(raw, 1, BLACK, { imei: raw, reason: ListReason.LIST_REASON_MALFORMED })]);
    await h.caughtUp();
    expect((await h.blockList()).decoded(raw)).toMatchObject({ imei14: raw, imei: raw, reason: ListReason.LIST_REASON_MALFORMED });
  });

  it('never resurrects or reorders on a replayed or duplicated older change', async () => {
    const b = imei();
    await h.publish([h.listChange(b, 1, BLACK), h.listChange(b, 2, WHITE)]);
    await h.caughtUp();
    // Duplicates of the old black version, and an old version after a newer one.
    await h.publish([h.listChange(b, 1, BLACK)]);
    await h.publish([h.listChange(b, 2, WHITE), h.listChange(b, 1, BLACK)]);
    await h.caughtUp();
    expect((await h.blockList()).entries.has(b)).toBe(false);
    expect((await h.app.blockListStore.load([b])).get(b)).toEqual({ imei14: b, listVersion: 2, blocked: null });

    const c = imei();
    await h.publish([h.listChange(c, 1, GREY), h.listChange(c, 2, BLACK)]);
    await h.caughtUp();
    await h.publish([h.listChange(c, 1, GREY), h.listChange(c, 2, BLACK, { reason: ListReason.LIST_REASON_CLONED })]);
    await h.caughtUp();
    expect((await h.blockList()).decoded(c)).toMatchObject({ listVersion: 2, reason: ListReason.LIST_REASON_OFFICER_DECISION });
  });

  it("detects another member's writes behind its in-process table: re-reads, never publishes an older state", async () => {
    const x = imei();
    h.clock.now = Date.parse('2025-08-01T06:00:00Z');
    await h.publish([h.listChange(x, 1, BLACK)]);
    await h.caughtUp();
    // Another member (the partition's owner for a while) unblocked x at version 2: this member's table still says v1 black.
    expect(await h.app.blockListStore.write([{ next: { imei14: x, listVersion: 2, blocked: null }, previousVersion: 1 }])).toEqual({ existing: [] });
    h.clock.now = Date.parse('2025-08-02T06:00:00Z');
    await h.publish([h.listChange(x, 3, BLACK, { reason: ListReason.LIST_REASON_CLONED })]);
    await h.caughtUp();
    // A new block (blocked-at of version 3), decided against the stored v2, not the table's v1.
    expect((await h.blockList()).decoded(x)).toMatchObject({ listVersion: 3, reason: ListReason.LIST_REASON_CLONED, blockedAt: new Date(h.clock.now) });

    // The other member also stored y, unknown to this member's table; a redelivery of y's change re-publishes what is stored.
    const y = imei();
    const storedAt = Date.parse('2025-07-30T00:00:00Z');
    await h.app.blockListStore.collection.insertOne({ _id: y, listVersion: 1, blocked: { imei14: y, imei: canonicalImei(y), reason: ListReason.LIST_REASON_MALFORMED, blockedAtMs: storedAt, listVersion: 1 } });
    await h.publish([h.listChange(y, 1, BLACK)]);
    await h.caughtUp();
    expect((await h.blockList()).decoded(y)).toMatchObject({ listVersion: 1, reason: ListReason.LIST_REASON_MALFORMED, blockedAt: new Date(storedAt) });
  });

  it('a full rebuild from the beginning of the block-list topic equals the black IMEIs fed in (count and digest)', async () => {
    const black = new Set<string>();
    const changes: ListChange[] = [];
    // 300 IMEIs through random paths of up to 4 versions; the last state decides.
    for (let i = 0; i < 300; i++) {
      const id = imei();
      const steps = 1 + (i % 4);
      let state = GREY;
      for (let v = 1; v <= steps; v++) {
        state = [GREY, BLACK, WHITE][(i * 7 + v * 3) % 3]!;
        changes.push(h.listChange(id, v, state));
      }
      if (state === BLACK) black.add(id);
    }
    await h.publish(changes);
    await h.caughtUp();
    const before = await h.blockList();
    const mine = [...before.entries.keys()].filter((k) => changes.some((c) => c.imei14 === k));
    expect(digestOf(mine)).toEqual(digestOf(black));
    expect(mine.length).toBe(black.size);
    expect(black.size).toBeGreaterThan(50);
  });
});
