import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ListChange, ListStateServiceClient, topics } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { freePort, readTopicToEnd, repoRoot, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';

/** Versions of every record of the real list-changes topic keyed `imei14`, read to the current end. */
async function publishedVersions(imei14: string): Promise<number[]> {
  const versions: number[] = [];
  await readTopicToEnd(topics.listChanges.name, (message) => {
    if (message.key?.toString() === imei14) versions.push(ListChange.decode(message.value!).version);
  });
  return versions.sort();
}

// Three cold starts of the compiled service on a shared 2-core machine: allow more than the tier default.
jest.setTimeout(300_000);

describe('list-state killed with SIGKILL between storing a list change and publishing it', () => {
  const children: ChildProcess[] = [];
  let grpcPort: number;
  let store: Awaited<ReturnType<typeof testStore>>;
  const group = uniqueName('crash');

  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--build', 'services/list-state'], { cwd: repoRoot, stdio: 'inherit' });
    store = await testStore('list_state_crash');
    grpcPort = await freePort();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store.drop();
  });

  /** Starts the compiled service; resolves once it answers gRPC and its consumer group is stable. */
  async function startListState(crashAfterStore: boolean): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(repoRoot, 'services/list-state/dist/main.js')], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        LIST_STATE_GRPC_ADDRESS: `127.0.0.1:${grpcPort}`,
        LIST_STATE_HTTP_ADDRESS: `127.0.0.1:${await freePort()}`,
        KAFKA_GROUP_NAMESPACE: group,
        // The shared observations topic holds millions of benchmark records: start new groups at the end.
        LIST_STATE_FROM_BEGINNING: '0',
        // A SIGKILLed member stays in the group for a session: the restarted one joins after it expires.
        LIST_STATE_SESSION_TIMEOUT_MS: '10000',
        MONGODB_DATABASE: store.db.databaseName,
        LOG_LEVEL: 'error',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        LIST_STATE_CRASH_AFTER_STORE: crashAfterStore ? '1' : '0',
      },
    });
    children.push(child);
    const probe = createGrpcClient(ListStateServiceClient, `127.0.0.1:${grpcPort}`, { token: devToken('officer:demo'), deadlineMs: 1000 });
    try {
      await waitFor('list-state serving', () => call(probe, 'getStatistics', { date: '' }).then(() => true, () => false), 60_000, 200);
    } finally {
      probe.close();
    }
    const admin = testKafka().admin();
    await admin.connect();
    try {
      await waitFor('consumer group stable', async () => {
        const { groups } = await admin.describeGroups([`list-state.${group}.entries`]);
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

  it('publishes each version exactly once after restarts (officer block, then unblock)', async () => {
    const imei14 = `35${String(Date.now()).slice(-12)}`;
    const entries = store.db.collection<{ _id: string; version: number; outboxPending: boolean }>('list_entries');

    // 1. The block command is consumed and its change stored, then the process dies before publishing.
    let service = await startListState(true);
    const officer = () => createGrpcClient(ListStateServiceClient, `127.0.0.1:${grpcPort}`, { token: devToken('officer:demo') });
    let client = officer();
    await call(client, 'blockImei', { imei: imei14, reason: 'crash test block' });
    await killedBySelf(service);
    client.close();
    expect(await entries.findOne({ _id: imei14 })).toMatchObject({ version: 1, outboxPending: true });

    // 2. Restart (still crashing after the next store): the start-up sweep publishes version 1.
    service = await startListState(true);
    await waitFor('version 1 swept', async () => (await entries.findOne({ _id: imei14 }))?.outboxPending === false);
    client = officer();
    await call(client, 'unblockImei', { imei: imei14, reason: 'crash test unblock' });
    await killedBySelf(service);
    client.close();
    expect(await entries.findOne({ _id: imei14 })).toMatchObject({ version: 2, outboxPending: true });

    // 3. Restart normally: version 2 is swept.
    service = await startListState(false);
    await waitFor('version 2 swept', async () => (await entries.findOne({ _id: imei14 }))?.outboxPending === false);
    expect(await publishedVersions(imei14)).toEqual([1, 2]);
    service.kill('SIGTERM');
    await once(service, 'exit');
  });
});
