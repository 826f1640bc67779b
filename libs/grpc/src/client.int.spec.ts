import { status } from '@grpc/grpc-js';
import { IntakeServiceClient, type ObservationSummary } from '@imei/contracts';
import { startFakeMesh, type FakeMesh } from './fake-mesh.test-helper';
import { call, createGrpcClient, devToken } from './index';

describe('createGrpcClient', () => {
  let mesh: FakeMesh;
  let intake: IntakeServiceClient;

  beforeAll(async () => {
    mesh = await startFakeMesh();
    intake = createGrpcClient(IntakeServiceClient, mesh.address, {
      token: devToken('service:list-state'),
      idempotentMethods: ['getApplication'],
    });
  });
  afterAll(async () => {
    intake.close();
    await mesh.server.stop(100);
  });
  beforeEach(() => {
    mesh.attempts.getApplication = 0;
    mesh.attempts.submitApplication = 0;
  });

  it('retries an idempotent method that failed with UNAVAILABLE', async () => {
    expect(await call(intake, 'getApplication', { applicationId: 'a-7' })).toMatchObject({ applicationId: 'a-7' });
    expect(mesh.attempts.getApplication).toBe(2);
  });

  it('does not retry a method that is not idempotent', async () => {
    const request = { idempotencyKey: 'k-1', kind: 0, imeis: [], ownerRef: '', model: '', documents: [], deviceId: '', claimedSource: 0 };
    await expect(call(intake, 'submitApplication', request)).rejects.toMatchObject({ code: status.UNAVAILABLE, details: 'broker unreachable' });
    expect(mesh.attempts.submitApplication).toBe(1);
  });

  it('gives unary calls the default deadline but leaves streams open as long as the feed lasts', async () => {
    const hurried = createGrpcClient(IntakeServiceClient, mesh.address, { token: devToken('service:list-state'), deadlineMs: 200 });
    await expect(call(hurried, 'findOpenApplications', { imeis: [] })).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    hurried.close();
    const feed = createGrpcClient(IntakeServiceClient, mesh.address, { token: devToken('operator:tele2-altel'), deadlineMs: 200 });
    const summary = await new Promise<ObservationSummary>((resolve, reject) => {
      const stream = feed.streamObservations((error, response) => (error ? reject(error) : resolve(response)));
      stream.write({ observations: [] });
      setTimeout(() => stream.end(), 400);
    });
    expect(summary).toMatchObject({ received: 0 });
    feed.close();
  });
});
