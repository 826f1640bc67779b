import { credentials, status, type ClientUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { IntakeServiceClient, OperatorNotifierServiceClient, type BlockListChunk, type ObservationSummary } from '@imei/contracts';
import { waitFor } from '@imei/testing';
import { startFakeMesh, type FakeMesh } from './fake-mesh.test-helper';
import { call, createGrpcClient, devToken, readBadRequest } from './index';

const observation = (imei: string) => ({ imei, imsi: '401011234567890', msisdn: '77011234567', seenAt: new Date(), rat: 0, row: 0 });

describe('service handlers at the edge', () => {
  let mesh: FakeMesh;
  let asOperator: IntakeServiceClient;
  let asOfficer: IntakeServiceClient;

  beforeAll(async () => {
    mesh = await startFakeMesh();
    asOperator = createGrpcClient(IntakeServiceClient, mesh.address, { token: devToken('operator:kcell') });
    asOfficer = createGrpcClient(IntakeServiceClient, mesh.address, { token: devToken('officer:demo') });
  });
  afterAll(async () => {
    asOperator.close();
    asOfficer.close();
    await mesh.server.stop(100);
  });

  it('refuses a call without a token with UNAUTHENTICATED', async () => {
    const anonymous = new IntakeServiceClient(mesh.address, credentials.createInsecure());
    await expect(call(anonymous, 'getApplication', { applicationId: 'a-1' })).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
      details: "missing credentials: send metadata 'authorization: Bearer <token>'",
    });
    anonymous.close();
  });

  it('refuses an unknown token with UNAUTHENTICATED', async () => {
    const stranger = createGrpcClient(IntakeServiceClient, mesh.address, { token: 'not-a-token-of-this-mesh' });
    await expect(call(stranger, 'getApplication', { applicationId: 'a-1' })).rejects.toMatchObject({
      code: status.UNAUTHENTICATED,
      details: 'unknown bearer token',
    });
    stranger.close();
  });

  it('refuses an operator an officer-only method with PERMISSION_DENIED naming the role', async () => {
    await expect(call(asOperator, 'decideApplication', { applicationId: 'a-1', approve: true, reason: '' })).rejects.toMatchObject({
      code: status.PERMISSION_DENIED,
      details: 'requires role officer; operator:kcell has role operator',
    });
  });

  it('gives the handler the identity from the token', async () => {
    const decided = await call(asOfficer, 'decideApplication', { applicationId: 'a-1', approve: true, reason: 'documents ok' });
    expect(decided).toMatchObject({ applicationId: 'a-1', decidedBy: 'officer:demo' });
    const notifier = createGrpcClient(OperatorNotifierServiceClient, mesh.address, { token: devToken('operator:beeline') });
    expect(await call(notifier, 'getOperatorProgress', { operatorId: 'kcell' })).toMatchObject({ operatorId: 'beeline' });
    notifier.close();
  });

  it('answers bad input INVALID_ARGUMENT with a BadRequest naming field path and value', async () => {
    const request = { observations: [observation('490154203237518'), observation('35-69650*31022')] };
    const error: ServiceError = await call(asOperator, 'submitObservations', request).then(
      () => Promise.reject(new Error('expected a failure')),
      (e: ServiceError) => e,
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toBe('observations.imei="35-69650*31022": not a 15-digit IMEI');
    expect(readBadRequest(error)).toEqual([{ field: 'observations[1].imei', description: 'not a 15-digit IMEI (value: "35-69650*31022")' }]);
  });

  it('answers a bug INTERNAL "internal error" without leaking it', async () => {
    await expect(call(asOfficer, 'listApplications', { status: 0, ownerRef: '', imei: '', pageSize: 10, pageToken: '' })).rejects.toMatchObject({
      code: status.INTERNAL,
      details: 'internal error',
    });
  });

  it('hands a client stream to the handler as an async iterable', async () => {
    const summary = await new Promise<ObservationSummary>((resolve, reject) => {
      const stream = asOperator.streamObservations((error, response) => (error ? reject(error) : resolve(response)));
      for (let chunk = 0; chunk < 5; chunk += 1) {
        stream.write({ observations: Array.from({ length: 20 }, () => observation('490154203237518')) });
      }
      stream.end();
    });
    expect(summary).toMatchObject({ received: 100, accepted: 100 });
  });

  it('streams every message of a server stream, in order, to a reader that pauses', async () => {
    const notifier = createGrpcClient(OperatorNotifierServiceClient, mesh.address, { token: devToken('service:list-state') });
    const stream = notifier.streamBlockList({ since: [] });
    stream.pause();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const imeis: string[] = [];
    for await (const chunk of stream as AsyncIterable<BlockListChunk>) imeis.push(...chunk.entries.map((e) => e.imei14));
    expect(imeis).toHaveLength(200 * 100);
    expect(imeis).toEqual([...imeis].sort());
    notifier.close();
  });

  it('aborts the signal of a call whose deadline passes', async () => {
    mesh.findOpenApplications = 'idle';
    const hurried = createGrpcClient(IntakeServiceClient, mesh.address, { token: devToken('service:list-state'), deadlineMs: 200 });
    await expect(call(hurried, 'findOpenApplications', { imeis: ['49015420323751'] })).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    await waitFor('the handler to see its signal abort', () => mesh.findOpenApplications === 'aborted', 2000, 10);
    hurried.close();
  });

  it('aborts the signal of a call the client cancels', async () => {
    mesh.findOpenApplications = 'idle';
    let pending: ClientUnaryCall | undefined;
    const outcome = new Promise<ServiceError | null>((resolve) => {
      pending = asOfficer.findOpenApplications({ imeis: ['49015420323751'] }, (error) => resolve(error));
    });
    await waitFor('the handler to start', () => mesh.findOpenApplications === 'waiting', 2000, 10);
    pending!.cancel();
    expect(await outcome).toMatchObject({ code: status.CANCELLED });
    await waitFor('the handler to see its signal abort', () => mesh.findOpenApplications === 'aborted', 2000, 10);
  });
});
