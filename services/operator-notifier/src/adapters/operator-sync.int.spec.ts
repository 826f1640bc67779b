import { status } from '@grpc/grpc-js';
import type { BlockListChunk, OperatorNotifierServiceClient, OperatorProgress } from '@imei/contracts';
import { ListState } from '@imei/contracts';
import { call } from '@imei/grpc';
import { testKafka, topicRecordCount, uniqueName, waitFor } from '@imei/testing';
import { digestOf, startNotifierHarness, type NotifierHarness } from '../notifier-harness.test-helper';

const BLACK = ListState.LIST_STATE_BLACK;
const WHITE = ListState.LIST_STATE_WHITE;

let seq = 0;
function imei(): string {
  seq += 1;
  return `86${String(Date.now() % 1e8).padStart(8, '0')}${String(seq).padStart(4, '0')}`;
}

async function streamAll(client: OperatorNotifierServiceClient, since: BlockListChunk['offsets'] = []): Promise<BlockListChunk[]> {
  const chunks: BlockListChunk[] = [];
  for await (const chunk of client.streamBlockList({ since })) chunks.push(chunk as BlockListChunk);
  return chunks;
}

describe('operator sync gRPC over the real broker', () => {
  let h: NotifierHarness;
  const blocked: string[] = [];
  beforeAll(async () => {
    h = await startNotifierHarness();
    for (let i = 0; i < 40; i++) blocked.push(imei());
    const unblocked = blocked.splice(30);
    await h.publish([...blocked, ...unblocked].map((id) => h.listChange(id, 1, BLACK)));
    await h.publish(unblocked.map((id) => h.listChange(id, 2, WHITE)));
    await h.caughtUp();
  });
  afterAll(async () => {
    await h.stop();
  });

  it('reconciles: count and digest of the block list at stated offsets equal what was fed in', async () => {
    const now = await call(h.client('operator:kcell'), 'reconcile', { offsets: [] });
    expect(now).toMatchObject(digestOf(blocked));
    expect(now.offsets.reduce((s, p) => s + p.offset, 0)).toBe(await topicRecordCount(h.topics.blockList.name));
    const atStart = await call(h.client('officer:demo'), 'reconcile', { offsets: now.offsets.map((p) => ({ partition: p.partition, offset: 0 })) });
    expect(atStart).toMatchObject({ count: 0 });
    await expect(call(h.client('operator:kcell'), 'reconcile', { offsets: [{ partition: 0, offset: 1e9 }] })).rejects.toMatchObject({ code: status.INVALID_ARGUMENT });
  });

  it('streams the full list in chunks, the last one carrying the offsets, and the changes since offsets', async () => {
    const client = h.client('operator:kcell');
    const full = await streamAll(client);
    const entries = full.flatMap((c) => c.entries);
    expect(entries.map((e) => e.imei14).sort()).toEqual([...blocked].sort());
    expect(full.at(-1)!.offsets.reduce((s, p) => s + p.offset, 0)).toBe(await topicRecordCount(h.topics.blockList.name));
    expect(full.slice(0, -1).every((c) => c.offsets.length === 0)).toBe(true);

    const since = full.at(-1)!.offsets;
    const unblock = blocked[0]!;
    const fresh = imei();
    await h.publish([h.listChange(unblock, 2, WHITE), h.listChange(fresh, 1, BLACK)]);
    await h.caughtUp();
    const changes = await streamAll(client, since);
    expect(changes.flatMap((c) => c.entries).map((e) => e.imei14)).toEqual([fresh]);
    expect(changes.flatMap((c) => c.removed)).toEqual([unblock]);
    blocked.shift();
    blocked.push(fresh);
  });

  it("reports an operator's lag after its consumer stops and catches up after it resumes; only its own progress", async () => {
    const kafka = testKafka();
    const group = uniqueName('op-kcell.lag');
    const start = async () => {
      const consumer = kafka.consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe({ topic: h.topics.blockList.name, fromBeginning: true });
      await consumer.run({ eachMessage: async () => undefined });
      return consumer;
    };
    const kcell = h.client('operator:kcell');
    const progressOf = (): Promise<OperatorProgress> => call(kcell, 'getOperatorProgress', { operatorId: '' });
    const mine = (p: OperatorProgress) => p.groups.includes(group);
    let consumer = await start();
    let progress = await waitFor('operator caught up', async () => {
      const p = await progressOf();
      return mine(p) && p.groupId === group && p.partitions.every((x) => x.lagRecords === 0) ? p : undefined;
    }, 60_000, 500);
    expect(progress.active).toBe(true);
    await consumer.disconnect();

    h.clock.now = Date.now() + 60_000;
    const more = Array.from({ length: 7 }, () => imei());
    await h.publish(more.map((id) => h.listChange(id, 1, BLACK)));
    await h.caughtUp();
    progress = await waitFor('lag visible', async () => {
      const p = await progressOf();
      return p.partitions.reduce((s, x) => s + x.lagRecords, 0) === 7 ? p : undefined;
    }, 30_000, 500);
    expect(progress.active).toBe(false);
    expect(progress.lastActivity).toBeInstanceOf(Date);
    const lagging = progress.partitions.filter((p) => p.lagRecords > 0);
    expect(lagging.every((p) => p.lagSeconds >= 55 && p.oldestUnreadAt instanceof Date)).toBe(true);
    expect(progress.nearTombstoneRetention).toBe(false);
    expect(progress.tombstoneRetentionSeconds).toBe(30 * 86_400);

    consumer = await start();
    await waitFor('lag gone after resume', async () => (await progressOf()).partitions.every((x) => x.lagRecords === 0), 60_000, 500);
    await consumer.disconnect();

    await expect(call(kcell, 'getOperatorProgress', { operatorId: 'beeline' })).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
    await expect(call(h.client('officer:demo'), 'getOperatorProgress', { operatorId: 'kcell' })).resolves.toMatchObject({ operatorId: 'kcell' });
    await expect(call(h.client('individual:demo'), 'reconcile', { offsets: [] })).rejects.toMatchObject({ code: status.PERMISSION_DENIED });
  });
});
