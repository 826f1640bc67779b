import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ApplicationEvent, ApplicationKind, ApplicationStatus, IntakeServiceClient, topics } from '@imei/contracts';
import { call, createGrpcClient, devToken } from '@imei/grpc';
import { freePort, readTopicToEnd, repoRoot, testStore, uniqueName, waitFor } from '@imei/testing';
import { applicationIdOf } from './domain/application-ids';

/** Every record of the real applications topic about `applicationId`, read to the current end. */
async function publishedVersions(applicationId: string): Promise<number[]> {
  const versions: number[] = [];
  await readTopicToEnd(topics.applications.name, (message) => {
    const event = ApplicationEvent.decode(message.value!);
    if (event.application?.applicationId === applicationId) versions.push(event.application.version);
  });
  return versions.sort();
}

describe('intake killed with SIGKILL between storing an application change and publishing it', () => {
  const children: ChildProcess[] = [];
  let port: number;
  let database: string;
  let store: Awaited<ReturnType<typeof testStore>>;

  beforeAll(async () => {
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '--build', 'services/intake'], { cwd: repoRoot, stdio: 'inherit' });
    store = await testStore('intake_crash');
    database = store.db.databaseName;
    port = await freePort();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await store.drop();
  });

  /** Starts the compiled service; resolves once it answers gRPC. */
  async function startIntake(crashAfterStore: boolean): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(repoRoot, 'services/intake/dist/main.js')], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        INTAKE_GRPC_ADDRESS: `127.0.0.1:${port}`,
        MONGODB_DATABASE: database,
        LOG_LEVEL: 'error',
        KAFKAJS_NO_PARTITIONER_WARNING: '1',
        INTAKE_CRASH_AFTER_STORE: crashAfterStore ? '1' : '0',
      },
    });
    children.push(child);
    const probe = createGrpcClient(IntakeServiceClient, `127.0.0.1:${port}`, { token: devToken('officer:demo'), deadlineMs: 1000 });
    try {
      await waitFor('intake serving', () =>
        call(probe, 'getApplication', { applicationId: 'none' }).then(
          () => true,
          (error: { code?: number }) => error.code === 5 /* NOT_FOUND: it answers */,
        ), 60_000, 200);
    } finally {
      probe.close();
    }
    return child;
  }

  async function killedBySelf(child: ChildProcess): Promise<void> {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    expect(child.signalCode).toBe('SIGKILL');
  }

  it('publishes each version exactly once after restarts (submit, then decision)', async () => {
    const idempotencyKey = uniqueName('crash');
    const applicationId = applicationIdOf('individual:demo', idempotencyKey);
    const request = { idempotencyKey, kind: ApplicationKind.APPLICATION_KIND_REGISTRATION, imeis: ['490154203237518'], ownerRef: 'owner-crash', model: '', documents: [], deviceId: '', claimedSource: 0 };
    const applications = store.db.collection<{ _id: string; version: number; outboxPending: boolean }>('applications');

    // 1. The submission is stored, then the process dies before publishing.
    let intake = await startIntake(true);
    const individual = createGrpcClient(IntakeServiceClient, `127.0.0.1:${port}`, { token: devToken('individual:demo') });
    await expect(call(individual, 'submitApplication', request)).rejects.toBeDefined();
    await killedBySelf(intake);
    expect(await applications.findOne({ _id: applicationId })).toMatchObject({ version: 1, outboxPending: true });

    // 2. Restart (still crashing after the next store): the start-up sweep publishes version 1.
    intake = await startIntake(true);
    await waitFor('version 1 swept', async () => (await applications.findOne({ _id: applicationId }))?.outboxPending === false);
    const officer = createGrpcClient(IntakeServiceClient, `127.0.0.1:${port}`, { token: devToken('officer:demo') });
    await expect(call(officer, 'decideApplication', { applicationId, approve: true, reason: 'ok' })).rejects.toBeDefined();
    await killedBySelf(intake);
    expect(await applications.findOne({ _id: applicationId })).toMatchObject({ version: 2, outboxPending: true });

    // 3. Restart normally: version 2 is swept; a resubmission answers the first receipt without a new version.
    intake = await startIntake(false);
    await waitFor('version 2 swept', async () => (await applications.findOne({ _id: applicationId }))?.outboxPending === false);
    const receipt = await call(individual, 'submitApplication', request);
    expect(receipt).toMatchObject({ duplicate: true, application: { version: 2, status: ApplicationStatus.APPLICATION_STATUS_APPROVED } });
    individual.close();
    officer.close();

    expect(await publishedVersions(applicationId)).toEqual([1, 2]);
    intake.kill('SIGTERM');
    await once(intake, 'exit');
  });
});
