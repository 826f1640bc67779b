import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ListChange, ListReason, ListState, OperatorNotifierServiceClient, topics, type TopicSpec } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { canonicalImei } from '@imei/imei-rules';
import { TopicProducer } from '@imei/kafka';
import { freePort, repoRoot, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import { BlockListStore } from './adapters/block-list-store';
import { readTopicRange, endOffsets } from './adapters/topic-range-reader';

/** Every record of the real block list for `keys` from `from` to the current end: key → values in order (null = tombstone). */
async function blockListRecords(keys: Set<string>, from: { partition: number; offset: number }[]): Promise<Map<string, Array<number | null>>> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const to = await endOffsets(admin, topics.blockList.name).finally(() => admin.disconnect());
  const found = new Map<string, Array<number | null>>();
  await readTopicRange(kafka, {
    topic: topics.blockList.name, groupId: uniqueName('crash-reader'), from, to, timeoutMs: 60_000,
    onRecords: (_p, messages) => {
      for (const m of messages) {
        const key = m.key?.toString() ?? '';
        if (!keys.has(key)) continue;
        const list = found.get(key) ?? [];
        list.push(m.value ? Number(topics.blockList.codec.decode(m.value).listVersion) : null);
        found.set(key, list);
      }
    },
  });
  return found;
}

// Cold starts of the compiled service on a shared 2-core machine.
jest.setTimeout(300_000);

describe('operator-notifier killed with SIGKILL between storing block-list changes and publishing them', () => {
  const children: ChildProcess[] = [];
  let store: Awaited<ReturnType<typeof testStore>>;
  let grpcPort: number;
  const group = uniqueName('crash');
  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--build', 'services/operator-notifier'], { cwd: repoRoot, stdio: 'inherit' });
    store = await testStore('notifier_crash');
    grpcPort = await freePort();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store.drop();
  });

  async function startNotifier(crashAfterStore: boolean): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(repoRoot, 'services/operator-notifier/dist/main.js')], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        OPERATOR_NOTIFIER_GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        KAFKA_GROUP_NAMESPACE: group,
        OPERATOR_NOTIFIER_FROM_BEGINNING: '0',
        MONGODB_DATABASE: store.db.databaseName,
        LOG_LEVEL: 'error',
        OPERATOR_NOTIFIER_CRASH_AFTER_STORE: crashAfterStore ? '1' : '0',
      },
    });
    children.push(child);
    const probe = createGrpcClient(OperatorNotifierServiceClient, `127.0.0.1:${grpcPort}`, { token: devToken('officer:demo'), deadlineMs: 2000 });
    try {
      await waitFor('notifier serving', () => call(probe, 'getOperatorProgress', { operatorId: 'kcell' }).then(() => true, () => false), 90_000, 300);
    } finally {
      probe.close();
    }
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await waitFor('consumer group stable', async () => {
        const { groups } = await admin.describeGroups([`operator-notifier.${group}.block-list`]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 1;
      }, 60_000, 200);
    } finally {
      await admin.disconnect();
    }
    return child;
  }

  async function killedBySelf(child: ChildProcess): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    expect(child.signalCode).toBe('SIGKILL');
  }

  it('restarts into an exact block list: each version published once, no resurrection', async () => {
    const kafka = testKafka();
    const admin = kafka.admin();
    await admin.connect();
    const start = await endOffsets(admin, topics.blockList.name);
    // The group starts at the current end of the shared list-changes topic, committed before the first
    // start, so a restart resumes from there instead of skipping to the then-latest offsets.
    const listEnds = await endOffsets(admin, topics.listChanges.name);
    await admin.setOffsets({ groupId: `operator-notifier.${group}.block-list`, topic: topics.listChanges.name, partitions: listEnds.map((p) => ({ partition: p.partition, offset: String(p.offset) })) });
    await admin.disconnect();
    const producer = new TopicProducer(kafka);
    await producer.connect();
    // Test IMEIs under TAC 99…: no real device.
    const ids = Array.from({ length: 20 }, (_, i) => `99${String(Date.now()).slice(-8)}${String(i).padStart(4, '0')}`);
    const change = (imei14: string, version: number, state: ListState): ListChange => ({
      imei14, imei: canonicalImei(imei14), state, reason: state === ListState.LIST_STATE_BLACK ? ListReason.LIST_REASON_OFFICER_DECISION : ListReason.LIST_REASON_OFFICER_UNBLOCK,
      previousState: ListState.LIST_STATE_UNSPECIFIED, blockDate: undefined, deviceId: '', version, changedAt: new Date(), cause: uniqueName('crash'), actor: 'crash-test',
    });
    const send = (changes: ListChange[]) => producer.send(topics.listChanges as TopicSpec<ListChange>, changes.map((value) => ({ key: value.imei14, value })));
    const projection = new BlockListStore(store.db);
    const docs = projection.collection;
    const links = projection.links;
    const published = () => blockListRecords(new Set(ids), start);
    try {
      // 1. Blocks are stored, then the process dies before publishing them.
      let service = await startNotifier(true);
      await send(ids.map((id) => change(id, 1, ListState.LIST_STATE_BLACK)));
      await killedBySelf(service);
      expect(await docs.countDocuments({ _id: { $in: ids }, listVersion: 1 })).toBeGreaterThan(0);
      expect((await published()).size).toBe(0);

      // 2. Restart: the redelivered batch re-publishes what was stored (same version), publishes the rest.
      service = await startNotifier(false);
      await waitFor('all blocks published', async () => (await published()).size === ids.length, 60_000, 500);

      // 3. Unblock half; the unblocks (links of the projection chain) are stored, then the process dies
      //    before publishing them; after the restart they are re-published at that version. Then their old
      //    black version is replayed: no resurrection.
      const unblocked = ids.slice(0, 10);
      service.kill('SIGTERM');
      await once(service, 'exit');
      service = await startNotifier(true);
      await send(unblocked.map((id) => change(id, 2, ListState.LIST_STATE_WHITE)));
      await killedBySelf(service);
      expect(await links.countDocuments({ imei14: { $in: unblocked }, listVersion: 2 })).toBeGreaterThan(0);
      expect([...(await published()).values()].every((versions) => !versions.includes(null))).toBe(true);
      service = await startNotifier(false);
      await waitFor('unblocks published', async () => {
        const records = await published();
        return unblocked.every((id) => records.get(id)?.at(-1) === null);
      }, 60_000, 500);
      await send(unblocked.map((id) => change(id, 1, ListState.LIST_STATE_BLACK)));
      await send([change(ids[19]!, 3, ListState.LIST_STATE_WHITE)]);
      await waitFor('last change published', async () => (await published()).get(ids[19]!)?.at(-1) === null, 60_000, 500);

      const records = await published();
      for (const id of unblocked) expect(records.get(id)).toEqual([1, null]);
      for (const id of ids.slice(10, 19)) expect(records.get(id)).toEqual([1]);
      expect(records.get(ids[19]!)).toEqual([1, null]);
      // Leave the shared block list without the test IMEIs.
      await send(ids.slice(10, 19).map((id) => change(id, 2, ListState.LIST_STATE_WHITE)));
      await waitFor('test IMEIs unblocked', async () => (await projection.blockedCount()) === 0, 60_000, 300);
      service.kill('SIGTERM');
      await once(service, 'exit');
    } finally {
      await producer.disconnect();
    }
  });
});
