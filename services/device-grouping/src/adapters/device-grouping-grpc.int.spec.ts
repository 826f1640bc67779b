import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { ApplicationKind, DeviceGroupingServiceClient, GroupingFact } from '@imei/contracts';
import { call, createGrpcClient, devToken, startGrpcServer, TokenTable, type GrpcServer } from '@imei/grpc';
import { canonicalImei } from '@imei/imei-rules';
import { createLogger } from '@imei/log';
import { waitFor } from '@imei/testing';
import { importTacFile } from '../cli/tac-import';
import { conflictIdOf } from '../domain/grouping-ids';
import { approvedApplication, imeisOfOneModel, observation, startGroupingHarness, type GroupingHarness } from '../grouping-harness.test-helper';
import { deviceGroupingService } from './device-grouping-grpc';

const failure = (promise: Promise<unknown>): Promise<ServiceError> =>
  promise.then(() => Promise.reject(new Error('expected a failure')), (error: ServiceError) => error);

describe('DeviceGroupingService over gRPC, and the TAC import', () => {
  let h: GroupingHarness;
  let server: GrpcServer;
  const clients: DeviceGroupingServiceClient[] = [];
  const client = (principal: string) => {
    const c = createGrpcClient(DeviceGroupingServiceClient, `127.0.0.1:${server.port}`, { token: devToken(principal) });
    clients.push(c);
    return c;
  };
  const device = (id: string) => h.core.repository.loadDevices([id]).then((m) => m.get(id)?.state);

  beforeAll(async () => {
    h = await startGroupingHarness();
    const service = deviceGroupingService({ repository: h.core.repository, processor: h.core.processor, clock: Date.now }, { authenticator: TokenTable.dev(), logger: createLogger('test', 'silent') });
    server = await startGrpcServer({ address: '127.0.0.1:0', services: [service] });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.stop(100);
    await h.stop();
  });

  it('GetDevice, GetDeviceByImei (any IMEI form), ListPendingSiblings by device and owner, GetGroupingStatus in request order', async () => {
    const [a1, a2, other] = imeisOfOneModel(3);
    const owner = `owner-${Date.now()}`;
    const application = approvedApplication([a1!], { ownerRef: owner });
    await h.publishApplication(application);
    await waitFor('device', () => device(application.deviceId));
    const imsi = `40101${Date.now() % 1e10}`;
    await h.publishObservations([observation(a1!, imsi), observation(a2!, imsi)]);
    await waitFor('pending', async () => (await device(application.deviceId))?.pendingSiblings.length === 1);

    const officer = client('officer:demo');
    expect(await call(officer, 'getDevice', { deviceId: application.deviceId })).toMatchObject({ deviceId: application.deviceId, imei14s: [a1], version: 2, pendingSiblingImei14s: [a2] });
    expect(await call(client('individual:demo'), 'getDeviceByImei', { imei: canonicalImei(a1!) })).toMatchObject({ deviceId: application.deviceId });
    expect((await failure(call(officer, 'getDeviceByImei', { imei: other! }))).code).toBe(status.NOT_FOUND);
    expect((await failure(call(client('operator:kcell'), 'getDevice', { deviceId: application.deviceId }))).code).toBe(status.PERMISSION_DENIED);

    const byDevice = await call(officer, 'listPendingSiblings', { deviceId: application.deviceId, ownerRef: '' });
    expect(byDevice.siblings).toEqual([{ deviceId: application.deviceId, imei14: a2, evidence: expect.stringContaining('used by subscriber') }]);
    expect(await call(officer, 'listPendingSiblings', { deviceId: '', ownerRef: owner })).toEqual(byDevice);
    expect((await failure(call(officer, 'listPendingSiblings', { deviceId: '', ownerRef: '' }))).code).toBe(status.INVALID_ARGUMENT);

    const { statuses } = await call(client('service:list-state'), 'getGroupingStatus', { imeis: [other!, canonicalImei(a2!), a1!] });
    expect(statuses.map((s) => [s.imei14, s.fact, s.deviceId])).toEqual([
      [other, GroupingFact.GROUPING_FACT_UNSPECIFIED, ''],
      [a2, GroupingFact.GROUPING_FACT_SIBLING_PENDING, application.deviceId],
      [a1, GroupingFact.GROUPING_FACT_REGISTERED, application.deviceId],
    ]);
    expect(statuses[2]).toMatchObject({ applicationId: application.applicationId, approvedAt: application.decidedAt, version: 1 });
  });

  it('ListConflicts and ResolveConflict (officers only; a second resolution for the other device is refused)', async () => {
    const [a1] = imeisOfOneModel(1);
    const first = approvedApplication([a1!]);
    const second = approvedApplication([a1!]);
    await h.publishApplication(first);
    await h.publishApplication(second);
    const conflictId = conflictIdOf(a1!, second.deviceId, second.applicationId);
    const officer = client('officer:demo');
    await waitFor('conflict listed', async () => (await call(officer, 'listConflicts', { includeResolved: false })).conflicts.some((c) => c.conflictId === conflictId));
    expect((await failure(call(client('individual:demo'), 'resolveConflict', { conflictId, winnerDeviceId: first.deviceId, reason: 'x' }))).code).toBe(status.PERMISSION_DENIED);
    expect((await failure(call(officer, 'resolveConflict', { conflictId, winnerDeviceId: 'dev-x', reason: 'x' }))).code).toBe(status.INVALID_ARGUMENT);
    const resolved = await call(officer, 'resolveConflict', { conflictId, winnerDeviceId: first.deviceId, reason: 'first invoice is genuine' });
    expect(resolved).toMatchObject({ conflictId, resolved: true, winnerDeviceId: first.deviceId, resolvedBy: 'officer:demo', resolutionReason: 'first invoice is genuine' });
    expect(await call(officer, 'resolveConflict', { conflictId, winnerDeviceId: first.deviceId, reason: '' })).toEqual(resolved);
    expect((await failure(call(officer, 'resolveConflict', { conflictId, winnerDeviceId: second.deviceId, reason: 'changed' }))).code).toBe(status.FAILED_PRECONDITION);
    expect((await call(officer, 'listConflicts', { includeResolved: false })).conflicts.map((c) => c.conflictId)).not.toContain(conflictId);
    expect((await call(officer, 'listConflicts', { includeResolved: true })).conflicts.map((c) => c.conflictId)).toContain(conflictId);
    expect((await device(first.deviceId))!.imei14s).toEqual([a1]);
  });

  it('imports a TAC file (any column order, quotes, bad rows reported) and uses it: model on registration, slots bound inference, same-model TACs are siblings', async () => {
    const [d1, d2] = imeisOfOneModel(2);
    const [e1] = imeisOfOneModel(1);
    const [s1, s2] = imeisOfOneModel(2);
    const dir = mkdtempSync(join(tmpdir(), 'tac-'));
    const file = join(dir, 'tac.csv');
    writeFileSync(file, [
      'Marketing Name,TAC,Brand Name,Device Type,SIM Slots',
      `"Duo, 5G",${d1!.slice(0, 8)},Acme,Smartphone,2`,
      `"Duo, 5G",${e1!.slice(0, 8)},ACME,Smartphone,2`,
      `Solo,${s1!.slice(0, 8)},Acme,Smartphone,1`,
      'Broken,1234,Acme,Smartphone,2',
      `Many,${'9'.repeat(8)},Acme,Smartphone,7`,
    ].join('\r\n'));
    const summary = await importTacFile(h.core.repository.db, file);
    expect(summary).toEqual({ imported: 3, refused: [
      { row: 5, field: 'tac', value: '1234', description: expect.any(String) },
      { row: 6, field: 'slots', value: '7', description: expect.any(String) },
    ] });
    writeFileSync(join(dir, 'bad.csv'), 'imei,owner\n1,2\n');
    await expect(importTacFile(h.core.repository.db, join(dir, 'bad.csv'))).rejects.toThrow(/lacks columns tac, brand, model/);

    const duo = approvedApplication([d1!]);
    const solo = approvedApplication([s1!]);
    await h.publishApplication(duo);
    await h.publishApplication(solo);
    await waitFor('devices', async () => (await device(duo.deviceId)) && (await device(solo.deviceId)));
    expect(await device(duo.deviceId)).toMatchObject({ brand: 'Acme', model: 'Duo, 5G', slots: 2 });
    const imsi1 = `40103${Date.now() % 1e10}`;
    const imsi2 = `40104${Date.now() % 1e10}`;
    await h.publishObservations([observation(d1!, imsi1), observation(e1!, imsi1), observation(s1!, imsi2), observation(s2!, imsi2)]);
    await waitFor('duo sibling of another TAC of the same model', async () => (await device(duo.deviceId))?.pendingSiblings.map((p) => p.imei14).includes(e1!));
    expect((await device(solo.deviceId))!.pendingSiblings).toEqual([]);
    expect((await device(duo.deviceId))!.pendingSiblings.map((p) => p.imei14)).not.toContain(d2);
  });
});
