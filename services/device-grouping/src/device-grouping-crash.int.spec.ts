import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { DeviceEvent, DeviceGroupingServiceClient, GroupingStatus, topics, type TopicSpec } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { ensureTopics, TopicProducer } from '@imei/kafka';
import { deleteTopics, freePort, repoRoot, testKafka, testStore, uniqueName, waitFor } from '@imei/testing';
import { approvedApplication, imeisOfOneModel, readToEnd } from './grouping-harness.test-helper';

describe('device-grouping killed with SIGKILL between storing a grouping change and publishing it', () => {
  const kafka = testKafka();
  const producer = new TopicProducer(kafka);
  const children: ChildProcess[] = [];
  // Topics of its own (a mesh on the same broker would otherwise publish the same events too) and
  // consumer groups of its own (device-grouping.<namespace>.<name>).
  const namespace = uniqueName('crash');
  const topicSuffix = `.${namespace}`;
  const own = <T>(spec: TopicSpec<T>): TopicSpec<T> => ({ ...spec, name: `${spec.name}${topicSuffix}` });
  const ownTopics = () => [topics.applications, topics.listChanges, topics.observations, topics.deviceEvents, topics.groupingStatus].map((t) => own<unknown>(t as TopicSpec<unknown>));
  // Only this test's device triggers the crash.
  const devicePrefix = uniqueName('dev-crash');
  let port: number;
  let store: Awaited<ReturnType<typeof testStore>>;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--build', 'services/device-grouping'], { cwd: repoRoot, stdio: 'inherit' });
    store = await testStore('grouping_crash');
    port = await freePort();
    await producer.connect();
    await ensureTopics(kafka, ownTopics());
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await producer.disconnect();
    await store.drop();
    await deleteTopics(ownTopics().map((t) => t.name), kafka);
  });

  async function start(crashAfterStore: boolean): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(repoRoot, 'services/device-grouping/dist/main.js')], {
      cwd: repoRoot,
      stdio: ['ignore', process.env.DG_CRASH_DEBUG ? 'inherit' : 'ignore', 'inherit'],
      env: {
        ...process.env,
        DEVICE_GROUPING_GRPC_ADDRESS: `127.0.0.1:${port}`,
        KAFKA_GROUP_NAMESPACE: namespace,
        DEVICE_GROUPING_TOPIC_SUFFIX: topicSuffix,
        // The service's own Kafka user may use only the registry's topics: the isolated copies need the admin.
        KAFKA_USERNAME: 'admin',
        KAFKA_PASSWORD: process.env.KAFKA_ADMIN_PASSWORD ?? 'admin-dev-secret',
        MONGODB_DATABASE: store.db.databaseName,
        LOG_LEVEL: 'error',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        DEVICE_GROUPING_CRASH_AFTER_STORE_OF: crashAfterStore ? devicePrefix : '',
      },
    });
    children.push(child);
    const probe = createGrpcClient(DeviceGroupingServiceClient, `127.0.0.1:${port}`, { token: devToken('officer:demo'), deadlineMs: 1000 });
    try {
      await waitFor('device-grouping serving', () =>
        call(probe, 'getDevice', { deviceId: 'none' }).then(() => true, (error: { code?: number }) => error.code === 5), 60_000, 200);
    } finally {
      probe.close();
    }
    return child;
  }

  const killedBySelf = async (child: ChildProcess): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    expect(child.signalCode).toBe('SIGKILL');
  };

  // A SIGKILLed member stays in its consumer groups until its session times out (30 s): each restart
  // waits for that rebalance before it consumes.
  jest.setTimeout(300_000);

  it('publishes each device version and each IMEI status version exactly once after restarts', async () => {
    const [a1, a2, a3] = imeisOfOneModel(3);
    const registration = approvedApplication([a1!], { deviceId: `${devicePrefix}-1` });
    const extension = approvedApplication([a2!], { deviceId: registration.deviceId });
    const devices = store.db.collection<{ _id: string; version: number; outboxBatch?: string }>('devices');
    // The device at its version, and whether its events may be unpublished: the outbox batch that wrote it
    // is still open (the sweep and the normal path both close it once its events are published).
    const stored = async (): Promise<{ version: number; pending: boolean } | undefined> => {
      const doc = await devices.findOne({ _id: registration.deviceId });
      if (doc === null) return undefined;
      return { version: doc.version, pending: doc.outboxBatch !== undefined && (await store.db.collection('outbox_batches').findOne({ _id: doc.outboxBatch as never })) !== null };
    };
    const published = async (version: number): Promise<boolean> => {
      const doc = await stored();
      return doc?.version === version && !doc.pending;
    };
    const publish = (application: typeof registration) =>
      producer.send(own(topics.applications), [{ key: application.deviceId, value: { application, status: application.status, occurredAt: application.decidedAt } }]);

    // 1. The registration is stored, then the process dies before publishing.
    let service = await start(true);
    await publish(registration);
    await killedBySelf(service);
    expect(await stored()).toEqual({ version: 1, pending: true });

    // 2. Restart (still crashing after the next store): the sweep publishes version 1; the replayed
    //    registration (its offset was never committed) finds its effect stored and adds nothing.
    service = await start(true);
    await waitFor('version 1 swept', () => published(1), 60_000);
    await publish(extension);
    await killedBySelf(service);
    expect(await stored()).toEqual({ version: 2, pending: true });

    // 3. Restart normally: version 2 is swept, both applications are replayed without effect.
    service = await start(false);
    await waitFor('version 2 swept', () => published(2), 60_000);
    const probe = createGrpcClient(DeviceGroupingServiceClient, `127.0.0.1:${port}`, { token: devToken('officer:demo') });
    expect(await call(probe, 'getDevice', { deviceId: registration.deviceId })).toMatchObject({ imei14s: [a1, a2], version: 2 });
    probe.close();
    // A third application for the same device (same key, same partition) is processed after the
    // replays of the first two: once it is stored, any duplicate they would publish is on the topic.
    const marker = approvedApplication([a3!], { deviceId: registration.deviceId });
    await publish(marker);
    await waitFor('marker stored and published', () => published(3), 90_000);

    const versions = (await readToEnd(own(topics.deviceEvents).name, kafka)).map((m) => DeviceEvent.decode(m.value!)).filter((e) => e.deviceId === registration.deviceId).map((e) => [e.version, e.event?.$case]);
    expect(versions).toEqual([[1, 'registered'], [2, 'imeiLinked'], [3, 'imeiLinked']]);
    const statuses = (await readToEnd(own(topics.groupingStatus).name, kafka)).map((m) => GroupingStatus.decode(m.value!)).filter((s) => [a1, a2, a3].includes(s.imei14)).map((s) => [s.imei14, s.version]);
    expect(statuses.sort()).toEqual([[a1, 1], [a2, 1], [a3, 1]]);
    service.kill('SIGTERM');
    await once(service, 'exit');
  });
});
